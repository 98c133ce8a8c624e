"""AppTest: each "watch it learn" view appears and updates (mistakes, inside the network, runs
compared, why this answer, the 2-D step by step)."""

import base64
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import after_jobs

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 180
# The draw and mistakes pages show the default MLP once it is trained: here it is, before they run.
pytestmark = pytest.mark.usefixtures("default_model")


def charts(at) -> list[dict]:
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(z) -> np.ndarray:
    """A plotly array from the chart's JSON: a list, or numpy's bytes as plotly encodes them."""
    if isinstance(z, dict):
        flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
        return flat.reshape([int(n) for n in str(z.get("shape", len(flat))).split(",")]).astype(float)
    return np.array(z, dtype=float)


def titled(at, words: str) -> dict:
    found = [c for c in charts(at) if words in ((c["layout"].get("title") or {}).get("text") or "")]
    assert found, f"no chart titled with {words!r}"
    return found[0]


@pytest.fixture
def app(mnist):
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_mistakes_page_shows_gallery_confusion_report_and_comparison(mnist):
    at = AppTest.from_file(str(ROOT / "pages" / "mistakes.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "The most confident mistakes",
        "Confusion matrix: click a cell to see its images",
        "Precision, recall and F1 of each class (10,000 test images)",
        "Two models on the same test images",
    ]
    gallery = titled(at, "wrong test images, most confident first")
    assert len(gallery["layout"]["annotations"]) == 24
    report = at.dataframe[0].value
    assert len(report) == 12 and list(report["class"][:10]) == [str(c) for c in range(10)]
    assert report["test images"][:10].sum() == 10000
    both = [m.value for m in at.metric]
    assert sum(int(v.replace(",", "")) for v in both) == 10000
    # The comparison follows the first model: compare the k-NN against the default MLP instead.
    at.selectbox(key="mistakes-model").set_value(at.selectbox(key="mistakes-model").options[-1]).run()
    assert not at.exception
    assert [m.value for m in at.metric][1:3] == both[1:3][::-1]  # "only the first right" swaps sides


def test_training_inside_the_network_updates_and_runs_are_compared(app):
    app.switch_page("pages/training.py").run()
    assert not app.exception
    app.selectbox(key="train-model").set_value("linear").run()
    app.slider(key="train-epochs").set_value(1).run()
    after_jobs(app.button(key="train-run").click().run())
    assert not app.exception
    assert any(s.value == "Inside the network, after epoch 1" for s in app.subheader)
    weights = titled(app, "Each class's weights on the 784 pixels")
    # The linear network's ten units are the ten classes: each picture named by its class.
    assert [a["text"] for a in weights["layout"]["annotations"]] == [str(c) for c in range(10)]
    first = weights["data"][0]["z"]
    app.run()  # the toggle was drawn (disabled) before the first model existed
    app.toggle(key="train-resume").set_value(True).run()
    after_jobs(app.button(key="train-run").click().run())
    assert not app.exception
    second = titled(app, "Each class's weights on the 784 pixels")["data"][0]["z"]
    a, b = values(first), values(second)
    # One more epoch moved the weights.
    assert a.shape == b.shape and not np.allclose(np.nan_to_num(a), np.nan_to_num(b))
    assert any("no hidden layer" in c.value for c in app.caption)
    # Two runs: their curves overlaid, by epoch and by wall-clock time.
    assert any(s.value == "Runs compared" for s in app.subheader)
    by_time = titled(app, "by time")
    assert len(by_time["data"]) == 2


def why_script():
    from mnistlab.ui import inside, recipe

    s = recipe.split("mnist")
    index = 0
    x = recipe.ten_classes("mnist").X_test[index]
    inside.why_this_answer("mnist", x, s.X_test[index].reshape(28, 28).astype(float))


def test_why_this_answer_shows_saliency_for_two_classes_and_the_hidden_map(mnist):
    at = AppTest.from_function(why_script, default_timeout=TIMEOUT).run()
    assert not at.exception
    saliency = charts(at)[0]
    assert len(saliency["data"]) == 3  # the input and two classes
    titles = [a["text"] for a in saliency["layout"]["annotations"]]
    assert titles[0] == "the input (28x28)" and all(t.startswith("for ") for t in titles[1:])
    at.radio(key="inside-why-method").set_value("occlusion").run()
    assert not at.exception
    assert not np.allclose(values(charts(at)[0]["data"][1]["z"]), values(saliency["data"][1]["z"]))
    at.toggle(key="inside-why-map").set_value(True).run()
    assert not at.exception
    embedding = charts(at)[1]
    assert embedding["data"][-1]["name"] == "your drawing"
    assert sum(len(values(t["x"])) for t in embedding["data"][:-1]) == 10000


def test_binary_page_step_by_step_steps_and_scrubs(app):
    app.switch_page("pages/binary_2d.py").run()
    assert not app.exception
    assert any(h.value == "Train step by step" for h in app.header)
    assert any("Epoch 0" in c.value for c in app.caption)
    for _ in range(2):
        app.button(key="stepwise-step").click().run()
    assert not app.exception
    step_map = titled(app, "Epoch 2:")

    def class_colours(chart):
        return [t["marker"]["color"] for t in chart["data"] if t.get("mode") == "markers"]

    fitted_map = next(c for c in charts(app) if any(t.get("name") == "P = 0.5" for t in c["data"]))
    assert class_colours(step_map) == class_colours(fitted_map) != []  # 7 and 9 look the same in both
    app.slider(key="stepwise-epoch").set_value(1).run()
    assert not app.exception
    assert titled(app, "Epoch 1:")
    app.radio(key="stepwise-family").set_value("mlp").run()
    app.button(key="stepwise-step").click().run()
    assert not app.exception
    assert titled(app, "What each of the 8 hidden units responds to")


def test_step_by_step_play_is_a_switch_that_trains_until_switched_off(app):
    """Play is a value, not a one-shot click: it trains while on, stops when off, and Reset turns it off."""
    app.switch_page("pages/binary_2d.py").run()

    def trained():
        return next(m.value for m in app.metric if m.label == "Epochs trained")

    app.toggle(key="stepwise-playing").set_value(True).run()
    assert not app.exception
    on = trained()
    assert int(on.split(" /")[0]) >= 1  # the timer's ticks are the browser's
    app.toggle(key="stepwise-playing").set_value(False).run()
    assert trained() == on
    app.run()
    assert trained() == on  # off: nothing more is trained
    app.toggle(key="stepwise-playing").set_value(True).run()
    app.button(key="stepwise-reset").click().run()
    assert trained().startswith("0 /") and app.toggle(key="stepwise-playing").value is False
    assert not app.exception


def why_networks_script():
    from mnistlab.ui import inside, recipe

    x = recipe.ten_classes("mnist").X_test[0]
    inside.why_this_answer("mnist", x, recipe.split("mnist").X_test[0].reshape(28, 28).astype(float))


def test_why_this_answer_offers_the_student_s_saved_network(mnist, tmp_path, monkeypatch):
    """A saved fast CNN is among the drawing page's predictions: the student can explain it too."""
    from mnistlab.models import nets
    from mnistlab.store import NewRun, RunStore, new_token

    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("MNISTLAB_DATABASE_URL", url)
    token = new_token()
    store = RunStore(url)
    store.set_name(token, "Ada")
    run = NewRun(
        page="training", task="ten_classes", model="run 1: fast", settings={}, metrics={"test_error_pct": 0.9}
    )
    run_id = store.save_run(token, "Ada", run, weights=nets.build("fast")).run_id
    store.close()
    at = AppTest.from_function(why_networks_script, default_timeout=TIMEOUT)
    at.query_params["me"] = token
    at.run()
    assert not at.exception
    offered = at.selectbox(key="inside-why-model").options
    assert any(o.startswith(f"saved run {run_id}: ") for o in offered), offered
