"""On the projector (presenter mode): figures and headings laid out so nothing overlaps, is cut or is too
small to read from the back of a room. Checked on the figures as they reach the browser."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from mnistlab.store import BoardEntry
from mnistlab.ui import sidebar
from mnistlab.views import board, figures, learning
from tests.projected import projected

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PROJECTOR_HEIGHT = 720  # the smallest projector served, and the height assumed before the browser reports
# Smallest text read from the back of a classroom on a 720 px projector: the mistake captions measured
# about 9 px before; the body text is 21 px there.
MIN_PROJECTED_PX = 16
# Streamlit's own heading sizes (rem), where a page's style leaves them as they are.
STREAMLIT_HEADINGS = {"h1": 2.75, "h2": 2.25, "h3": 1.75}


def test_where_c_matters_keeps_its_legend_off_the_x_axis_title_and_its_title_whole(monkeypatch):
    Cs = [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0]
    shown = projected(
        monkeypatch,
        figures.c_sweep_figure(Cs, [8.0, 4.0, 2.5, 2.2, 2.2, 2.2], [0.1, 0.4, 1.0, 1.6, 1.8, 1.9], 1.0, 0.1),
        title_chars=40,  # as the 2-D page asks
    )
    layout = shown.layout
    # The x-axis title is under the plot: a legend anchored at the plot's top edge, growing upwards, is not.
    assert layout.legend.orientation == "h"
    assert layout.legend.yanchor == "bottom" and layout.legend.y >= 1.0
    # Above the plot there is room for every title line and the legend's row, each about 1.3 em tall.
    lines = layout.title.text.split("<br>")
    size = layout.font.size
    assert layout.margin.t >= 1.3 * size * (len(lines) + 1)
    # Whole words, none lost; a line of 0.6 em per character fits the narrowest column the chart gets
    # (a third of a 1366 px laptop's main area is the knobs: about 600 px remain).
    assert " ".join(lines) == "Where C matters: test error and the size of the weights"
    assert max(len(line) for line in lines) * 0.6 * size <= 600
    # The first tick label ("0.0001") is not cut at the left edge: plotly makes room for it.
    assert layout.xaxis.automargin is True


def test_the_boards_best_label_sits_above_its_point_not_on_the_task_name():
    entries = [
        BoardEntry(i, "ten_classes", f"student {i}", err, "linear", "training", {}, 0.0)
        for i, err in enumerate((0.77, 2.5, 7.9))
    ]
    fig = board.spread_figure({"ten_classes": entries})
    (label,) = [a for a in fig.layout.annotations if a.text.startswith("best")]
    assert label.text == "best 0.77 %" and label.y == 0.77
    # The task's name is printed under the axis; the best point is on or above it (errors >= 0). An arrow
    # tail above the point (negative ay, in pixels, down is positive) keeps the label off the name.
    assert fig.layout.yaxis.rangemode == "tozero"
    assert label.ay is not None and label.ay < 0


def test_mistake_captions_are_large_enough_on_the_projector(monkeypatch):
    images = np.zeros((16, 28, 28), dtype=np.uint8)
    captions = ["T-shirt/top<br>-> Pullover 97 %"] * 16
    shown = projected(monkeypatch, learning.gallery_figure(images, captions, per_row=8, title="mistakes"))
    sizes = [a.font.size for a in shown.layout.annotations]
    assert len(sizes) == 16 and min(sizes) >= MIN_PROJECTED_PX


def _rem(css: str, tag: str) -> float:
    found = re.findall(rf"(?m)^{tag} {{[^}}]*font-size: ([0-9.]+)rem", css)
    return float(found[-1]) if found else STREAMLIT_HEADINGS[tag]


@pytest.mark.parametrize("mode", ["normal", "presenter"])
def test_section_headings_are_smaller_than_the_page_title(mode):
    css = sidebar.PRESENTER_CSS if mode == "presenter" else sidebar.LAYOUT_CSS
    h1, h2, h3 = (_rem(css, tag) for tag in ("h1", "h2", "h3"))
    assert h1 > h2 > h3, (h1, h2, h3)


def test_the_overviews_figures_fit_the_projectors_height(mnist):
    at = AppTest.from_file(APP, default_timeout=180).switch_page("pages/home.py").run()
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    import json

    heights = [json.loads(c.proto.spec)["layout"]["height"] for c in at.get("plotly_chart")]
    # The class counts and the sample digits side by side: each with its title inside the window (the bar
    # chart was 810 px tall before, taller than a 720 px projector).
    assert len(heights) >= 2 and max(heights[:2]) <= PROJECTOR_HEIGHT * 0.7


def test_a_linear_networks_ten_weight_pictures_are_named_and_large_on_the_projector(monkeypatch):
    rng = np.random.default_rng(0)
    names = [f"class {c}" for c in range(10)]
    figure = learning.pictures_figure(rng.normal(size=(10, 28, 28)), "weights", per_row=5, labels=names)
    shown = projected(monkeypatch, figure)
    notes = shown.layout.annotations
    assert [a.text for a in notes] == names and min(a.font.size for a in notes) >= MIN_PROJECTED_PX
    z = np.array(shown.data[0].z, dtype=float)
    blank = np.isnan(z).all(axis=0)  # the gaps between pictures: columns with no weight
    starts = np.flatnonzero(~blank[1:] & blank[:-1]) + 1
    per_row = 1 + len(starts)
    assert per_row == 5
    # Two rows of five at a 1280x720 projector's main column (about 680 px beside the colour bar): each
    # picture about 130 px wide; the figure's height lets it keep that size.
    layout = shown.layout
    plot_h = layout.height - layout.margin.t - layout.margin.b
    assert 28 * plot_h / len(z) >= 120
    # Each name sits in the blank band over its own picture, not on another's pixels.
    for note in notes:
        y, x = int(round(note.y)), int(round(note.x))
        assert np.isnan(z[y, x]) and not np.isnan(z[y - 6, x]), (note.text, y, x)


def test_the_ten_classes_page_puts_its_confusion_matrix_first_on_the_projector(mnist):
    at = AppTest.from_file(APP, default_timeout=300).switch_page("pages/multiclass.py").run()
    assert not at.exception
    # A student reads the exercises in order: the timing curves (3.2) above the confusion matrix (3.3).
    assert [h.value for h in at.header][:2] == [
        "Nearest-neighbour timing curves (exercise 3.2)",
        "Confusion matrix (exercise 3.3)",
    ]
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    # On a projector the matrix comes first, so it starts on the first screen at 1280x720.
    assert [h.value for h in at.header][:2] == [
        "Confusion matrix (exercise 3.3)",
        "Nearest-neighbour timing curves (exercise 3.2)",
    ]
