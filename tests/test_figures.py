import numpy as np

from mnistlab.views import figures


def test_close_values_are_told_apart_on_an_axis_around_them():
    low, high = figures.value_range(np.array([25.51, 25.78]))
    assert 25.0 < low < 25.51 and 25.78 < high < 26.5
    # Bars from 0 would give the two values 98.9 % of the same length; here they are far apart.
    assert (25.78 - 25.51) / (high - low) > 0.5


def test_labels_lose_the_parts_they_all_share():
    labels = ["activation=relu, alpha=0.0001, hidden=5", "activation=relu, alpha=0.0001, hidden=50"]
    assert figures.distinct_labels(labels) == ["hidden=5", "hidden=50"]
    assert figures.shared_label(labels) == "activation=relu, alpha=0.0001"
    fig = figures.bars_figure(labels, [25.51, 25.78], "CV error (%)", "MLP grid")
    assert list(fig.data[0].y) == ["hidden=5", "hidden=50"] and "alpha=0.0001" in fig.layout.title.text
    assert fig.layout.xaxis.range[0] > 20


def test_a_single_or_unrelated_label_is_kept_whole():
    assert figures.distinct_labels(["a=1, b=2"]) == ["a=1, b=2"]
    assert figures.distinct_labels(["x", "y"]) == ["x", "y"]
    assert figures.distinct_labels(["run: mlp", "run: mlp"]) == ["run: mlp", "run: mlp (2)"]


def test_the_confusion_colours_only_the_errors():
    counts = np.array([[980, 116, 4], [71, 1000, 0], [2, 3, 990]])
    fig = figures.confusion_figure(counts, ["a", "b", "c"])
    errors = np.array(fig.data[0].z, dtype=float)
    assert np.isnan(np.diag(errors)).all() and np.nanmax(errors) == 116  # 116 is the top of the scale
    assert list(np.diag(np.array(fig.data[1].z, dtype=float))) == [980, 1000, 990]


def test_image_grid_labels_get_the_room_they_need():
    """Fashion-MNIST's "T-shirt/top" was cut to "T-shir" by a fixed margin; long column labels were
    turned and the last one dropped."""
    names = ["T-shirt/top", "Trouser", "Ankle boot"]
    fig = figures.image_grid_figure(np.zeros((88, 88)), names, col_labels=names)
    assert fig.layout.yaxis.automargin and fig.layout.xaxis.automargin
    assert list(fig.layout.xaxis.ticktext) == ["T-shirt/<br>top", "Trouser", "Ankle<br>boot"]
    assert fig.layout.xaxis.tickangle == 0


def test_gallery_captions_of_two_lines_get_room_under_each_tile():
    from mnistlab.views import learning

    one = learning.gallery_figure(np.zeros((8, 28, 28)), ["7 -> 9"] * 8)
    two = learning.gallery_figure(np.zeros((8, 28, 28)), ["T-shirt/top<br>-> Pullover 97 %"] * 8)
    assert two.data[0].z.shape[0] > one.data[0].z.shape[0] and two.layout.height > one.layout.height


def test_log_axes_read_as_plain_decimals_one_tick_a_decade():
    """0.001, 0.01, 0.1, 1, 10 on a log axis, not 1e-3 or 10^-3."""
    fig = figures.cv_curve_figure([1e-3, 1e-2, 0.1, 1.0, 10.0], [30, 28, 27, 26.6, 26.6], "C")
    axis = fig.layout.xaxis
    assert (axis.type, axis.dtick, axis.tickformat, axis.exponentformat) == ("log", 1, ",~r", "none")
    linear = figures.cv_curve_figure([1, 2, 3], [3, 2, 1], "degree", log_x=False).layout.xaxis
    assert linear.type == "linear" and linear.tickformat is None
