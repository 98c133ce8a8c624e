import numpy as np

from mnistlab.data import explore


def test_a_small_selection_is_shown_whole():
    ids = np.array([5, 9, 2])
    assert list(explore.selection_sample(ids, np.array([7, 9, 7]))) == [5, 9, 2]


def test_a_mixed_selection_shows_each_class_in_proportion():
    # As plotly lists a box selection: all the 7s first, then all the 9s.
    labels = np.array([7] * 300 + [9] * 100)
    ids = np.arange(1000, 1400)
    shown = explore.selection_sample(ids, labels, limit=40)
    assert len(shown) == 40 and len(set(shown)) == 40 and set(shown) <= set(ids)
    shown_labels = labels[shown - 1000]
    assert (shown_labels == 7).sum() == 30 and (shown_labels == 9).sum() == 10
    # Spread over each class's images, not its first ones.
    assert shown[shown_labels == 7].max() > ids[250]


def test_a_rare_class_in_the_selection_is_not_dropped():
    labels = np.array([1] * 500 + [4] * 3 + [8])
    shown = explore.selection_sample(np.arange(len(labels)), labels, limit=40)
    assert len(shown) == 40 and set(labels[shown]) == {1, 4, 8}
