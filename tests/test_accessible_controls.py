"""AppTest: the ways in that need no drag and no mouse (step buttons, a test image by its number), the
pause of live updates, and the text alternatives the pages carry."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(mnist, fresh_streamlit_caches):
    return AppTest.from_file(APP, default_timeout=120)


def summaries(app) -> list[str]:
    return [m.value for m in app.markdown if 'class="chart-summary"' in m.value]


def test_step_buttons_move_C_one_option_and_keep_it_in_the_link(app):
    app.switch_page("pages/binary_2d.py").run()
    assert app.select_slider(key="model-C").value == 1.0
    app.button(key="model-C-step-up").click().run()
    assert not app.exception
    assert app.select_slider(key="model-C").value == 3.162  # the next of the 17 log-spaced values
    assert app.query_params["model-C"] == "3.162"
    app.button(key="model-C-step-down").click().run()
    app.button(key="model-C-step-down").click().run()
    assert app.select_slider(key="model-C").value == 0.3162
    # The map's text alternative names the model and its test error, as the metric above shows it.
    text = next(s for s in summaries(app) if "Probability map" in s)
    assert "C=0.3162" in text.replace(" ", "") or "0.3162" in text
    assert app.metric[0].value in text
    assert "boundary" in text


def test_a_step_stops_at_the_end_of_the_range(app):
    app.switch_page("pages/binary_2d.py").run()
    app.radio(key="model-family").set_value("poly").run()
    app.slider(key="model-degree").set_value(6).run()
    app.button(key="model-degree-step-up").click().run()
    assert not app.exception
    assert app.slider(key="model-degree").value == 6


def test_the_draw_page_takes_a_test_image_by_its_number(app, mnist_split):
    app.switch_page("pages/draw.py").run()
    app.number_input(key="draw-test").set_value(0).run()
    assert not app.exception
    assert any("Predicting from test image 0" in c.value for c in app.caption)
    # Both models of a fresh session (the default MLP and the 10-NN vote) read test image 0 right.
    label = int(mnist_split.y_test[0])
    assert any(m.value == f"**All 2 models agree: {label}.**" for m in app.markdown)


def test_a_paused_page_says_so_while_its_job_runs(app):
    app.switch_page("pages/binary_2d.py").run()
    app.toggle(key="live-paused").set_value(True).run()
    next(b for b in app.button if b.label.startswith("Run 16")).click().run()  # the MLP grid: seconds
    assert not app.exception
    assert any("Live updates are paused" in c.value for c in app.caption)
    next(b for b in app.button if b.label == "Stop" and not b.disabled).click().run()
    app.toggle(key="live-paused").set_value(False).run()
    assert not any("Live updates are paused" in c.value for c in app.caption)


def test_every_chart_of_the_data_page_has_a_text_alternative(app):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    texts = summaries(app)
    # The page's charts: the class scatter, explained variance, reconstructions and mean images.
    assert len(texts) >= 4
    assert any("Middle of each class" in t for t in texts)
    assert any("images" in t for t in texts)
