"""AppTest: every page runs without an exception, and its main interactions work."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

TIMEOUT = 120


@pytest.fixture
def app(mnist, fresh_streamlit_caches):  # mnist: the data is in this run's cache before the app starts
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_home_page_shows_the_dataset(app):
    app.run()
    assert not app.exception
    assert [m.value for m in app.metric][:3] == ["70,000", "60,000", "10,000"]
    assert app.title[0].value == "mnistlab"


def test_binary_page_moving_C_changes_the_test_error(app):
    app.switch_page("pages/binary_2d.py").run()
    assert not app.exception
    before = app.metric[0].value
    app.select_slider(key="model-C").set_value(0.0001).run()
    assert not app.exception
    after = app.metric[0].value
    assert before.endswith("%") and after.endswith("%") and before != after


def test_binary_page_polynomial_and_cv_grid(app):
    app.switch_page("pages/binary_2d.py").run()
    app.radio(key="model-family").set_value("poly").run()
    app.slider(key="model-degree").set_value(2).run()
    assert not app.exception
    app.select_slider(key="cv-lr-n").set_value(1000).run()
    next(b for b in app.button if b.label.startswith("Run 7")).click().run()
    assert not app.exception
    assert any("Best (complete)" in s.value for s in app.success)
    assert len(app.dataframe) == 1  # the comparison table now has the logistic family


def test_data_page_runs(app):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    values = [m.value for m in app.metric]
    assert len(values) == 3 and all(v.endswith("components") for v in values)


def test_binary_784_page_knn_cv_fills_the_comparison(app):
    app.switch_page("pages/binary_784.py").run()
    assert not app.exception
    app.select_slider(key="b784-knn-n").set_value(2000).run()
    next(b for b in app.button if b.label.startswith("Run 5 folds")).click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["model"]) == ["knn"] and table["selected"][0].startswith("n_neighbors=")


def test_multiclass_page_timing_curves_and_confusion(app):
    app.switch_page("pages/multiclass.py").run()
    assert not app.exception
    assert any("Most confused pair" in m.value for m in app.markdown)
    app.multiselect(key="curve-sizes").set_value([250, 500]).run()
    next(b for b in app.button if b.label == "Run 4 timings").click().run()
    assert not app.exception
    rows = app.dataframe[0].value
    assert list(rows["training images"]) == [250, 500]
    assert (rows["test error (%)"] > 0).all()


def test_training_page_tiny_run_is_recorded(app):
    app.switch_page("pages/training.py").run()
    assert not app.exception
    app.selectbox(key="train-model").set_value("linear").run()
    app.slider(key="train-epochs").set_value(1).run()
    app.button(key="train-start").click().run()
    assert not app.exception
    runs = app.table[0].value
    assert list(runs["model"]) == ["linear"] and list(runs["status"]) == ["finished"]
    assert app.metric[0].value == "1 / 1"


def test_draw_page_blank_canvas_gets_a_hint(app):
    app.switch_page("pages/draw.py").run()
    assert not app.exception
    assert any("Draw a digit on the black canvas" in i.value for i in app.info)
