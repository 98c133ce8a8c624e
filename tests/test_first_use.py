"""The default model's first training is a job the pages watch, not a wait (AppTest): the page runs at
once and shows its progress, the training outlives the visitor, the next visitor finds it going on.
And what the draw page says to a student: why an upload gives nothing, no explanations on a projector."""

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from mnistlab.data import datasets
from mnistlab.jobs import State

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


@pytest.fixture
def empty_cache(mnist, tmp_path, monkeypatch):
    """This run's data, but no trained default model."""
    (tmp_path / "mnist.npz").symlink_to(datasets.cache_dir() / "mnist.npz")
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_first_draw_visit_does_not_wait_for_the_default_models_training(empty_cache):
    from mnistlab.ui import provision

    # Before, the page trained the model inside its script run: 10 epochs, far past this timeout.
    first = AppTest.from_file(APP, default_timeout=60).switch_page("pages/draw.py").run()
    assert not first.exception
    assert first.title[0].value == "Draw a digit"
    assert first.get("tabs") or first.get("tab"), "the canvas and the upload stay usable"
    bars = [e.proto.text for e in first.get("progress")]
    assert any("Training the default MLP" in text for text in bars), bars
    job = provision.default_model_job("mnist")
    assert job.kind.name == "default_model" and job.params == {"dataset": "mnist"}
    deadline = time.monotonic() + 60
    while job.state is State.QUEUED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job.state is State.RUNNING

    del first  # the visitor leaves; a second one (another session) finds the same training going on
    second = AppTest.from_file(APP, default_timeout=60).switch_page("pages/mistakes.py").run()
    assert not second.exception
    assert provision.default_model_job("mnist") is job and job.state is State.RUNNING
    # Meanwhile the mistakes page offers the models it has (the k-NN) instead of waiting.
    assert second.selectbox(key="mistakes-model").value.startswith("5-NN")
    job.stop()
    assert job.wait(60) and job.state is State.STOPPED
    assert not (empty_cache / "mnist-default-mlp-adam-lr0.001-b128-e10.pt").exists()  # nothing half-done kept


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("pixels", "said"),
    [(np.zeros((1, 1)), "too small"), (np.full((64, 64), 255), "No digit found")],
)
def test_an_upload_that_holds_no_digit_says_why(mnist, default_model, pixels, said):
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/draw.py").run()
    at.file_uploader(key="draw-upload").upload("one.png", png(pixels), "image/png").run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(said in w for w in warnings), warnings
    assert not any("Predicting from the upload" in c.value for c in at.caption)
    assert not any("Draw a digit" in i.value for i in at.info)  # not the blank canvas's hint


def test_presenter_mode_hides_the_draw_pages_explanations(mnist, default_model):
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/draw.py").run()
    assert any("Draw a digit on the black canvas" in i.value for i in at.info)
    assert any("Draw with the mouse" in c.value for c in at.caption)
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    assert not any("Draw a digit on the black canvas" in i.value for i in at.info)
    assert not any("Draw with the mouse" in c.value for c in at.caption)
