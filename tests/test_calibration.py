"""Calibration: ECE against a hand computation, temperature scaling keeps the answers, the fitted
temperature recovers a known one, and the held-out part never touches the test split."""

import numpy as np
import pytest

from mnistlab.models import calibration


def test_ece_of_a_small_example_by_hand():
    # Top probabilities 0.95, 0.95, 0.6, 0.55 (labels: right, wrong, right, right), three bins of 1/3.
    proba = np.array([[0.95, 0.05], [0.95, 0.05], [0.4, 0.6], [0.55, 0.45]])
    labels = np.array([0, 1, 1, 0])
    # Bin (2/3, 1]: two images, confidence 0.95, accuracy 0.5 -> 2/4 * 0.45
    # Bin (1/3, 2/3]: two images, confidence 0.575, accuracy 1 -> 2/4 * 0.425
    assert calibration.ece(proba, labels, n_bins=3) == pytest.approx(0.5 * 0.45 + 0.5 * 0.425)
    bins = calibration.reliability(proba, labels, n_bins=3)
    assert list(bins.count) == [0, 2, 2]
    assert bins.accuracy[1:] == pytest.approx([1.0, 0.5])


def test_a_confidence_of_one_falls_in_the_last_bin_and_bin_edges_are_upper_inclusive():
    proba = np.array([[1.0, 0.0], [0.6, 0.4], [0.5 + 1e-12, 0.5 - 1e-12]])
    bins = calibration.reliability(proba, np.array([0, 0, 1]), n_bins=5)  # edges 0, .2, .4, .6, .8, 1
    assert list(bins.count) == [0, 0, 2, 0, 1]  # 0.6 is in (0.4, 0.6]


def test_temperature_scaling_keeps_every_predicted_class():
    logits = np.random.default_rng(0).normal(0, 4, size=(500, 10))
    for t in (0.3, 1.0, 2.5):
        assert np.array_equal(calibration.scaled_proba(logits, t).argmax(1), logits.argmax(1))


def test_fitted_temperature_recovers_the_one_the_labels_were_drawn_with():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, size=(20000, 10))
    z = logits / 2.0  # the labels follow softmax(logits / 2): the right temperature is 2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    labels = (p.cumsum(1) > rng.random((len(p), 1))).argmax(1)
    assert calibration.fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.05)
    # NLL by hand at T = 1 for the first image.
    first = -(logits[0, labels[0]] - np.log(np.exp(logits[0]).sum()))
    assert calibration.nll(logits[:1], labels[:1]) == pytest.approx(first)


def test_held_out_part_comes_from_training_only_and_is_a_tenth(mnist_split):
    train, X_held, y_held = calibration.held_out_split(mnist_split)
    assert len(y_held) == 6000 and len(train.y_train) == 54000
    assert train.X_test is mnist_split.X_test and train.y_test is mnist_split.y_test
    # Every image, held out or kept, is a training image, once: the multiset of rows is preserved.
    keys = np.concatenate([train.X_train, X_held]).view(np.dtype((np.void, 784)))
    original = mnist_split.X_train.view(np.dtype((np.void, 784)))
    assert np.array_equal(np.sort(keys.ravel()), np.sort(original.ravel()))
    again = calibration.held_out_split(mnist_split)[2]
    assert np.array_equal(again, y_held)  # reproducible by seed
