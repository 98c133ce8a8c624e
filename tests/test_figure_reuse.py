"""AppTest guards: a setting or a page seen before builds no plotly figure (each construction is counted).

Building figures was most of a loaded server's time (the C sweep rebuilt on every move of every student,
each figure validating and copying its template); these fail if a figure goes back on the hot path."""

from pathlib import Path

import plotly.basedatatypes
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(mnist, fresh_streamlit_caches):
    return AppTest.from_file(APP, default_timeout=120)


@pytest.fixture
def built(monkeypatch):
    """The figures constructed so far (every go.Figure and subplot grid goes through BaseFigure)."""
    counted: list[str] = []
    construct = plotly.basedatatypes.BaseFigure.__init__

    def counting(self, *args, **kwargs):
        counted.append(type(self).__name__)
        construct(self, *args, **kwargs)

    monkeypatch.setattr(plotly.basedatatypes.BaseFigure, "__init__", counting)
    return counted


def test_a_seen_C_on_the_2d_page_builds_no_figure(app, built):
    app.switch_page("pages/binary_2d.py").run()
    default_C = app.select_slider(key="model-C").value
    app.select_slider(key="model-C").set_value(0.01).run()
    assert built, "the first visits built the map and the C sweep"  # the counter sees real builds
    app.select_slider(key="model-C").set_value(default_C).run()
    built.clear()
    app.select_slider(key="model-C").set_value(0.01).run()  # seen before: everything is shared
    assert not app.exception
    assert built == []
    assert len(app.get("plotly_chart")) >= 2  # the map and "Where C matters" were still drawn


def test_switching_back_to_a_seen_page_builds_no_figure(app, built):
    app.run()
    app.switch_page("pages/binary_2d.py").run()
    app.switch_page("pages/home.py").run()
    app.switch_page("pages/binary_2d.py").run()
    for page in ("pages/home.py", "pages/binary_2d.py"):
        built.clear()
        app.switch_page(page).run()
        assert not app.exception
        assert built == [], page


def test_copying_a_shared_figure_never_breaks_another_session_reading_it():
    """A shared figure is read by one session's thread (a chart's text alternative reads each trace's
    type) while another copies it to enlarge it for a projector. Plotly's own ``go.Figure(figure)``
    takes "type" out of the original's traces while it copies: with it, this reader failed within a few
    hundred copies; ``charts.copy_of`` only reads the original."""
    import sys
    import threading

    import plotly.graph_objects as go

    from mnistlab.ui import charts

    shared = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], name=f"class {i}") for i in range(4)])
    failures: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                assert [t.type for t in shared.data] == ["scatter"] * 4
            except (KeyError, AssertionError) as exc:
                failures.append(exc)
                stop.set()

    reader = threading.Thread(target=read)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the window is a few lines long
    try:
        reader.start()
        copies = [charts.copy_of(shared) for _ in range(300) if not stop.is_set()]
    finally:
        stop.set()
        reader.join()
        sys.setswitchinterval(interval)
    assert failures == []
    assert copies[-1].to_dict() == shared.to_dict() and copies[-1] is not shared
