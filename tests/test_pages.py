"""AppTest: every page runs without an exception, and its main interactions work."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from streamlit.testing.v1 import AppTest

from tests import reference
from tests.conftest import after_jobs

APP = str(Path(__file__).resolve().parents[1] / "app.py")

TIMEOUT = 120


@pytest.fixture
def app(
    mnist, default_model, fresh_streamlit_caches
):  # mnist: the data is in this run's cache before the app starts
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_home_page_shows_the_dataset(app):
    app.run()
    assert not app.exception
    assert [m.value for m in app.metric][:3] == ["70,000", "60,000", "10,000"]
    assert app.title[0].value == "mnistlab"


def test_binary_page_moving_C_changes_the_test_error(app, mnist_split):
    app.switch_page("pages/binary_2d.py").run()
    assert not app.exception
    before = app.metric[0].value
    default_C = app.select_slider(key="model-C").value
    app.select_slider(key="model-C").set_value(0.0001).run()
    assert not app.exception
    after = app.metric[0].value
    # The notebook's logistic regression fitted here with scikit-learn on the same 2-D problem.
    X_train, y_train, X_test, y_test = reference.pair_2d(mnist_split)
    for C, shown in ((default_C, before), (0.0001, after)):
        model = LogisticRegression(C=C, max_iter=250, tol=1e-3).fit(X_train, y_train)
        assert shown == f"{100 * np.mean(model.predict(X_test) != y_test):.2f} %"


def test_binary_page_polynomial_and_cv_grid(app):
    app.switch_page("pages/binary_2d.py").run()
    app.radio(key="model-family").set_value("poly").run()
    app.slider(key="model-degree").set_value(2).run()
    assert not app.exception
    app.select_slider(key="cv-lr-n").set_value(1000).run()
    next(b for b in app.button if b.label.startswith("Run 7")).click().run()
    after_jobs(app)
    assert not app.exception
    assert any("Best (complete)" in s.value for s in app.success)
    assert len(app.dataframe) == 1  # the comparison table now has the logistic family


def test_data_page_shows_the_components_for_90_95_99_percent(app, mnist_split):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    values = [m.value for m in app.metric]
    # Exercise 3.1 computed here: eigenvalues of the covariance of the scaled training images (numpy).
    X = reference.ten_classes(mnist_split)[0].astype(np.float64)
    eigen = np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1]
    reach = np.cumsum(eigen) / eigen.sum()
    expected = [int(np.argmax(reach >= target)) + 1 for target in (0.90, 0.95, 0.99)]
    assert values == [f"{n} components" for n in expected]


def test_binary_784_page_knn_cv_fills_the_comparison(app):
    app.switch_page("pages/binary_784.py").run()
    assert not app.exception
    app.select_slider(key="b784-knn-n").set_value(2000).run()
    next(b for b in app.button if b.label.startswith("Run 5 folds")).click().run()
    after_jobs(app)
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["model"]) == ["knn"] and table["selected"][0].startswith("n_neighbors=")


def test_multiclass_page_timing_curves_and_confusion(app, mnist_split):
    app.switch_page("pages/multiclass.py").run()
    assert not app.exception
    assert any("Most confused pair" in m.value for m in app.markdown)
    app.multiselect(key="curve-sizes").set_value([250, 500]).run()
    next(b for b in app.button if b.label == "Measure 4 timings").click().run()
    after_jobs(app)
    assert not app.exception
    rows = app.dataframe[0].value
    assert list(rows["training images"]) == [250, 500]
    # Exercise 3.2: 1-NN on the first n training images, every test image; scikit-learn's answer here.
    X_train, y_train, X_test, y_test = reference.ten_classes(mnist_split)
    for n, shown in zip((250, 500), rows["test error (%)"], strict=True):
        pred = KNeighborsClassifier(1, algorithm="brute").fit(X_train[:n], y_train[:n]).predict(X_test)
        assert shown == pytest.approx(100 * np.mean(pred != y_test), abs=0.01)


def test_training_page_tiny_run_is_recorded(app):
    app.switch_page("pages/training.py").run()
    assert not app.exception
    app.selectbox(key="train-model").set_value("linear").run()
    app.slider(key="train-epochs").set_value(1).run()
    app.button(key="train-run").click().run()
    after_jobs(app)
    assert not app.exception
    runs = app.table[0].value
    assert list(runs["model"]) == ["linear"] and list(runs["status"]) == ["finished"]
    assert app.metric[0].value == "1 / 1"


def test_draw_page_blank_canvas_gets_a_hint(app):
    app.switch_page("pages/draw.py").run()
    assert not app.exception
    assert any("Draw a digit on the black canvas" in i.value for i in app.info)


def test_training_page_continues_from_the_current_model(app, mnist):
    app.switch_page("pages/training.py").run()
    app.selectbox(key="train-model").set_value("linear").run()
    app.slider(key="train-epochs").set_value(1).run()
    after_jobs(app.button(key="train-run").click().run())
    app.run()  # the toggle was drawn before that run trained anything: it is enabled on the next rerun
    app.toggle(key="train-resume").set_value(True).run()
    after_jobs(app.button(key="train-run").click().run())
    assert not app.exception
    runs = app.table[0].value
    assert list(runs["model"]) == ["linear", "linear"] and list(runs["status"]) == ["finished", "finished"]
    # The same two runs done here in plain torch on the notebook's split: the second starts from the
    # first one's weights. Within one test image of the page's (summation order may differ).
    row = runs.iloc[0]
    data = reference.ten_classes(reference.split(mnist.X, mnist.y))
    fit = dict(optimizer=row["optimizer"], lr=float(row["lr"]), batch_size=int(row["batch"]), epochs=1)
    first, first_error, _ = reference.linear_softmax_fit(data, **fit)
    _, second_error, _ = reference.linear_softmax_fit(data, **fit, start=first)
    shown = list(runs["test error (%)"].astype(float))
    assert shown == pytest.approx([first_error, second_error], abs=0.011)
    assert shown[1] < shown[0]  # one more epoch from where the first stopped: better than one epoch


def test_a_grid_stopped_before_its_first_candidate_shows_nothing_to_choose(app):
    app.switch_page("pages/binary_2d.py").run()
    next(b for b in app.button if b.label.startswith("Run 16")).click().run()
    app.button(key="cv-mlp-stop").click().run()  # at once: inside the first candidate's first fold
    app = after_jobs(app)
    assert not app.exception
    assert any("Stopped after" in c.value for c in app.caption)
    assert not any(
        b.label == "Use the best setting in the playground" for b in app.button if b.key == "cv-mlp-use"
    )


def fake_canvas(ink: np.ndarray):
    """An st_canvas that returns ``ink`` (rows x 280, 0..1) as the browser would: white on transparent."""
    import base64
    import io

    from PIL import Image
    from streamlit_drawable_canvas import CanvasResult

    alpha = np.rint(ink * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(np.stack([np.full_like(alpha, 255)] * 3 + [alpha], axis=-1), "RGBA").save(buffer, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return lambda **kwargs: CanvasResult(json_data=None, image_data_url=url, return_image_data=True)


def test_draw_page_ignores_strokes_in_the_toolbar_strip(app, monkeypatch):
    from mnistlab.views import canvas

    app.switch_page("pages/draw.py").run()  # the canvas's module loads inside Streamlit, as it must
    import streamlit_drawable_canvas

    ink = np.zeros((canvas.HEIGHT, canvas.SQUARE), dtype=np.float32)
    ink[10:30, 150:270] = 1.0  # only in the strip over the black square: as blank as an empty canvas
    monkeypatch.setattr(streamlit_drawable_canvas, "st_canvas", fake_canvas(ink))
    app.run()
    assert not app.exception
    assert any("Draw a digit on the black canvas" in i.value for i in app.info)

    ink[canvas.STRIP + 40 : canvas.STRIP + 240, 130:148] = 1.0  # a 1 in the square, the scribble kept
    monkeypatch.setattr(streamlit_drawable_canvas, "st_canvas", fake_canvas(ink))
    app.run()
    assert not app.exception and not app.info
    assert [s.value for s in app.subheader][:2] == ["What the model sees", "Predictions"]
    assert any(": 1." in m.value for m in app.markdown), [m.value for m in app.markdown]
