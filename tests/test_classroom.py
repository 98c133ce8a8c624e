"""Classroom features through AppTest: links that carry settings, the results page, presenter mode,
the second dataset on every page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")
PAGES = [
    "pages/home.py",
    "pages/data.py",
    "pages/binary_2d.py",
    "pages/binary_784.py",
    "pages/multiclass.py",
    "pages/training.py",
    "pages/draw.py",
    "pages/results.py",
]


def app_at(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(page)


def test_a_link_opens_the_playground_as_the_teacher_set_it(mnist):
    at = app_at(
        "pages/binary_2d.py",
        **{
            "model-family": "Polynomial logistic regression",
            "model-C": "1e-3",
            "model-degree": "4",
            "pair-a": "3",
            "pair-b": "5",
        },
    ).run()
    assert not at.exception
    assert at.radio(key="model-family").value == "poly"
    assert at.select_slider(key="model-C").value == 0.001 and at.slider(key="model-degree").value == 4
    assert (at.selectbox(key="pair-a").value, at.selectbox(key="pair-b").value) == (3, 5)
    assert any("degree 4, C=0.001" in c.value for c in at.caption)


def test_invalid_link_values_fall_back_to_defaults_with_a_notice(mnist):
    at = app_at("pages/binary_2d.py", **{"model-C": "banana", "model-family": "Logistic regression"}).run()
    assert not at.exception
    assert at.select_slider(key="model-C").value == 1.0
    assert any("`model-C=banana`" in t.value for t in at.toast)


def test_results_page_lists_fits_and_exports(mnist):
    at = app_at("pages/binary_2d.py").run()
    at.select_slider(key="model-C").set_value(0.01).run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["page"]) == {"Binary 2-D"}
    assert {"logistic regression, C=1", "logistic regression, C=0.01"} <= set(table["model"])
    assert (table["training size"] == 12218).all()
    markdown = next(c.value for c in at.code if c.value.startswith("| page |"))
    assert "logistic regression, C=0.01" in markdown


def test_presenter_mode_hides_explanations(mnist):
    at = app_at("pages/results.py").run()
    assert any("Every model fitted" in m.value for m in at.markdown)
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    assert not any("Every model fitted" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_fashion_mnist(page, fashion):
    at = app_at(page, dataset="Fashion-MNIST clothing").run()
    assert not at.exception, page
    assert at.selectbox(key="dataset").value == "fashion"
    if page == "pages/binary_2d.py":
        assert at.selectbox(key="pair-a").format_func(7) == "Sneaker"


def test_fashion_mnist_pages_do_not_speak_of_digits(fashion):
    at = app_at("pages/draw.py", dataset="Fashion-MNIST clothing").run()
    assert not at.exception
    assert at.title[0].value == "Draw a piece of clothing"
    assert not any("digit" in i.value for i in at.info)
    home = app_at("pages/home.py", dataset="Fashion-MNIST clothing").run()
    assert not any("handwritten digits" in m.value for m in home.markdown)
