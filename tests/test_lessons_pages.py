"""AppTest: the lessons' sections (make it wrong, accuracy against epsilon) appear and respond. They attack
and calibrate the default MLP, so each waits for its first training (the `default_model` fixture)."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.test_learning_pages import charts, titled, values

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 240


def attack_script():
    from mnistlab.ui import adversarial, recipe

    adversarial.make_it_wrong("mnist", recipe.split("mnist").X_test[0].reshape(28, 28))


def test_make_it_wrong_finds_an_epsilon_untargeted_and_targeted(default_model):
    at = AppTest.from_function(attack_script, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Make it wrong"]
    at.toggle(key="attack-on").set_value(True).run()
    assert not at.exception
    found = [m.value for m in at.markdown if "Smallest epsilon" in m.value]
    assert found and "stop saying" in found[0], [m.value for m in at.markdown]
    eps = float(found[0].split(": ")[1].split("**")[0])
    assert 0 < eps <= 0.5
    at.selectbox(key="attack-target").set_value(1).run()
    assert not at.exception
    aimed = [m.value for m in at.markdown if "Smallest epsilon" in m.value]
    assert aimed and "say 1" in aimed[0] and "It now says **1**" in aimed[0]
    at.radio(key="attack-method").set_value("pgd").run()
    assert not at.exception
    iterative = [m.value for m in at.markdown if "Smallest epsilon" in m.value]
    # The iterative attack needs no larger epsilon than its one-step start (it contains that step).
    assert float(iterative[0].split(": ")[1].split("**")[0]) <= float(aimed[0].split(": ")[1].split("**")[0])


def test_robustness_page_draws_accuracy_against_epsilon_with_the_references(default_model):
    at = AppTest.from_file(str(ROOT / "pages" / "robustness.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Accuracy against epsilon", "Can you trust its probabilities?"]
    assert len(charts(at)) == 1  # the reliability diagram; the attack waits for its button
    at.button(key="attack-curve-run").click().run()
    assert not at.exception
    figure = titled(at, "accuracy on the first 500 test images")
    lines = {t["name"]: t for t in figure["data"]}
    ours = next(t for name, t in lines.items() if name.startswith("default MLP"))
    accuracy = np.array(ours["y"], dtype=float)
    assert np.array_equal(np.array(ours["x"], dtype=float), [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    assert accuracy[0] > 90 and np.all(np.diff(accuracy) <= 0) and accuracy[-1] < accuracy[0] - 20
    tutorial = lines["PyTorch tutorial, LeNet, FGSM (published)"]
    assert list(tutorial["y"]) == [98.1, 94.3, 85.1, 68.3, 43.0, 20.8, 8.7]
    assert "500 test images" in figure["layout"]["title"]["text"]


def test_temperature_slider_moves_ece_and_nll_but_never_the_test_error(default_model):
    at = AppTest.from_file(str(ROOT / "pages" / "robustness.py"), default_timeout=TIMEOUT).run()
    assert not at.exception

    def numbers():
        return {m.label.split(" ")[0].rstrip(","): m.value for m in at.metric}  # ECE, NLL, Test

    before = numbers()
    bars = values(titled(at, "reliability on the 10,000 test images")["data"][0]["customdata"])
    assert bars.sum() == 10000  # every test image is in one bin
    at.slider(key="trust-temperature").set_value(3.0).run()
    assert not at.exception
    after = numbers()
    assert after["Test"] == before["Test"]
    # A well-trained network is confident and mostly right: softening it by 3 worsens its calibration.
    assert float(after["ECE"].rstrip(" %")) > float(before["ECE"].rstrip(" %"))
    assert float(after["NLL"]) > float(before["NLL"])
