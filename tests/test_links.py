"""Shared links (AppTest): every setting a page shows is in its link, in any spelling of a number."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def best_setting_script():
    """The playground's knobs and a button that moves them, as "Use the best setting" does."""
    import streamlit as st

    from mnistlab.models import classic
    from mnistlab.ui import widgets

    st.button(
        "best",
        key="best",
        on_click=widgets.set_model_choice,
        args=(classic.ModelChoice(family="poly", C=0.01, degree=5),),
    )
    st.write(widgets.model_controls().describe())


def test_a_best_setting_puts_every_knob_it_moves_in_the_link():
    at = AppTest.from_function(best_setting_script, default_timeout=60).run()
    at.button(key="best").click().run()
    assert not at.exception
    assert "degree 5, C=0.01" in at.markdown[0].value
    link = dict(at.query_params)
    assert link.get("model-degree") == ["5"] or link.get("model-degree") == "5", link
    # The link opens what the page shows.
    again = AppTest.from_function(best_setting_script, default_timeout=60)
    for key, value in link.items():
        again.query_params[key] = value[0] if isinstance(value, list) else value
    again.run()
    assert "degree 5, C=0.01" in again.markdown[0].value


def test_a_link_opens_the_linear_network(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["train-model"] = "Linear (784 -> 10), section 5.1"
    at.switch_page("pages/training.py").run()
    assert not at.exception
    assert at.selectbox(key="train-model").value == "linear"
    assert not at.toast


def test_choosing_linear_puts_its_preset_in_the_link(mnist):
    # (The browser writes the network itself into the link, as for any widget moved by hand.)
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/training.py").run()
    assert at.selectbox(key="train-model").value == "mlp"
    at.selectbox(key="train-model").set_value("linear").run()
    assert at.select_slider(key="train-lr").value == 0.1
    assert dict(at.query_params).get("train-lr") in ("0.1", ["0.1"])


def test_a_preset_after_the_fast_one_keeps_the_notebook_numerics(mnist):
    """The fast CNN trains in bf16 with label smoothing; the MLP chosen after it trains as the notebook's."""
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/training.py").run()
    at.selectbox(key="train-model").set_value("fast").run()
    assert at.selectbox(key="train-precision").value == "bf16"
    assert at.select_slider(key="train-label_smoothing").value == 0.1
    assert dict(at.query_params).get("train-label_smoothing") in ("0.1", ["0.1"])
    at.selectbox(key="train-model").set_value("mlp").run()
    assert at.selectbox(key="train-precision").value == "fp32"
    assert at.select_slider(key="train-label_smoothing").value == 0.0
    assert not at.exception


def test_a_number_in_a_link_may_be_spelled_any_way(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model-C"] = "0.001"
    at.query_params["model-family"] = "Logistic regression"
    at.switch_page("pages/binary_2d.py").run()
    assert not at.exception
    assert at.select_slider(key="model-C").value == 0.001
    assert not at.toast


def test_a_refused_value_is_quoted_as_code_so_labels_keep_their_characters(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["train-model"] = "Perceptron"
    at.switch_page("pages/training.py").run()
    notice = at.toast[0].value
    assert "`train-model=Perceptron`" in notice and "`MLP 784-200-100-10, section 5.3`" in notice


def test_counts_show_thousands_separators_and_old_links_still_open(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["scatter-n"] = "20000"  # as links spelled it before the separators
    at.switch_page("pages/data.py").run()
    assert not at.exception and not at.toast
    slider = at.select_slider(key="scatter-n")
    assert slider.value == 20000 and slider.format_func(60000) == "60,000"


def link_value(at: AppTest, key: str):
    value = dict(at.query_params).get(key)
    return value[0] if isinstance(value, list) else value


def test_a_link_names_the_dataset_by_its_short_name_and_old_links_still_open(mnist, fashion):
    for spelling in ("fashion", "Fashion-MNIST clothing", "FASHION"):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["dataset"] = spelling
        at.run()
        assert not at.exception
        assert at.selectbox(key="dataset").value == "fashion", spelling
        assert not at.toast, spelling
        assert link_value(at, "dataset") == "fashion", spelling  # the short name, however the link spelt it


def test_choosing_a_dataset_writes_its_short_name_in_the_link(mnist, fashion):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.run()  # the first run reruns itself (first start); AppTest's widget values apply from the next
    assert link_value(at, "dataset") is None
    at.selectbox(key="dataset").set_value("fashion").run()
    assert link_value(at, "dataset") == "fashion"
    at.selectbox(key="dataset").set_value("mnist").run()
    assert link_value(at, "dataset") is None  # the default leaves the link, as for every knob
    for spelling, toast in (("mnist", False), ("MNIST handwritten digits", False), ("kmnist", True)):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["dataset"] = spelling
        at.run()
        assert at.selectbox(key="dataset").value == "mnist"
        assert bool(at.toast) == toast, spelling


def toasts(at) -> list[str]:
    return [t.value for t in at.toast]


def test_a_link_may_name_a_network_by_its_short_name(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["train-model"] = "linear"  # was refused: only the label "Linear (784 -> 10), ..." was
    at.switch_page("pages/training.py").run()
    assert not at.exception
    assert at.selectbox(key="train-model").value == "linear"
    assert not at.toast


@pytest.mark.parametrize(
    ("page", "param", "value"),
    [("pages/training.py", "epochs", "-5"), ("pages/binary_2d.py", "model-degree", "99")],
)
def test_a_link_value_no_setting_of_the_page_takes_is_said_and_dropped(mnist, page, param, value):
    # "epochs" is no widget's key (the slider's is train-epochs); the degree is a knob of the polynomial
    # family only, and the page shows the logistic one: both stayed in the URL without a word.
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params[param] = value
    at.switch_page(page).run()
    assert not at.exception
    assert any(f"`{param}={value}`" in t for t in toasts(at)), toasts(at)
    assert param not in dict(at.query_params)


def test_a_students_token_in_the_link_is_not_reported(mnist):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["me"] = "no-such-token-0123456789"
    at.switch_page("pages/binary_2d.py").run()
    assert not at.exception
    assert not any("`me=" in t for t in toasts(at)), toasts(at)
