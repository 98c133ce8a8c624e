"""Every page opens in a real browser without an exception element."""

import pytest

from benchmarks.browser import ARTIFACTS, C_SLIDER, draw_seven, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e


def test_home_page_in_chromium(server, page):
    open_page(page, server.url)
    page.get_by_text("Images per class").first.wait_for()  # drawn once plotly's script has loaded
    assert "70,000" in page.locator("[data-testid=stMetric]").first.inner_text()
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "home.png"))


def test_data_page_in_chromium(server, page):
    open_page(page, server.url, "data")
    assert page.get_by_text("Explained variance (exercise 3.1)").count() == 1
    assert "components" in page.locator("[data-testid=stMetricValue]").first.inner_text()
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "data.png"))


def test_binary_page_slider_changes_the_test_error(server, page):
    open_page(page, server.url, "binary_2d")
    page.get_by_text("The three families compared").wait_for()  # the first run has drawn the whole page
    wait_idle(page)
    error = page.locator("[data-testid=stMetricValue]").first
    before = error.inner_text()
    thumb = page.get_by_role(**C_SLIDER)  # C, log scale; the far left end is C = 1e-4
    thumb.focus()
    page.keyboard.press("Home")
    page.wait_for_function(
        "old => document.querySelector('[data-testid=stMetricValue]').innerText !== old", arg=before
    )
    wait_idle(page)
    after = error.inner_text()
    assert before.endswith("%") and after.endswith("%") and after != before
    caption = page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").all_inner_texts()[0]
    assert "C=0.0001" in caption.replace("1e-4", "0.0001")
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "binary_2d.png"))


def test_knn_timing_curve_runs_on_small_sizes(server, page):
    open_page(page, server.url, "multiclass")
    for size in ("10,000", "5,000", "2,000", "1,000"):  # keep 250 and 500
        page.get_by_role("button", name=f"Remove {size}").click()
        wait_idle(page)
    charts, tables = page.locator("[data-testid=stPlotlyChart]"), page.locator("[data-testid=stDataFrame]")
    charts_before, tables_before = charts.count(), tables.count()  # the confusion matrix is there already
    page.get_by_role("button", name="Measure 4 timings").click()
    page.get_by_text("Done in").first.wait_for(timeout=120_000)
    wait_idle(page)
    # The timings add their curves and their table (one row per size), drawn only once a timing is done.
    assert (charts.count(), tables.count()) == (charts_before + 1, tables_before + 1)
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "multiclass.png"), full_page=True)


def test_a_digit_drawn_with_the_mouse_is_predicted(server, page):
    open_page(page, server.url, "draw")
    page.get_by_text("Draw a digit on the black canvas").wait_for()
    draw_seven(page)
    page.mouse.up()
    page.get_by_role("heading", name="Predictions").wait_for(timeout=60_000)
    wait_idle(page)
    text = page.get_by_text("default MLP").first.inner_text()
    assert text.split(":")[1].strip().startswith("7"), text
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "draw.png"))
