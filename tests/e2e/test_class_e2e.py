"""A class in a real browser: the page stays live while a job runs, and a named student's runs come back
after a reload."""

import time

import pytest

from benchmarks.browser import ARTIFACTS, C_SLIDER, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e


def test_the_slider_answers_while_a_cv_grid_runs_on_the_same_page(server, page):
    open_page(page, server.url, "binary_2d")
    page.get_by_text("The three families compared").wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="MLP (ex. 2.5)").click()
    page.get_by_role("button", name="Run 16 candidates x 5 folds").click()
    page.locator("[data-testid=stProgress]").first.wait_for(timeout=60_000)  # the grid is running
    error = page.locator("[data-testid=stMetricValue]").first
    before = error.inner_text()
    page.get_by_role(**C_SLIDER).focus()  # C; Home: C = 1e-4, which changes the test error
    start = time.monotonic()
    page.keyboard.press("Home")
    page.wait_for_function(
        "old => document.querySelector('[data-testid=stMetricValue]').innerText !== old", arg=before
    )
    answered_s = time.monotonic() - start
    assert page.locator("[data-testid=stProgress]").count() >= 1, "the grid should still be running"
    assert answered_s < 10, f"the map took {answered_s:.1f} s to answer while the grid ran"
    page.get_by_role("button", name="Stop", exact=True).last.click()
    page.get_by_text("Stopped after").first.wait_for(timeout=30_000)
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "grid-stopped.png"), full_page=True)


def test_a_named_students_runs_are_listed_after_a_reload(server, page):
    open_page(page, server.url, "results")
    page.get_by_role("textbox", name="Your name on the class board").fill("Ada")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Signed in as").wait_for()
    wait_idle(page)
    token = page.evaluate("() => new URL(location.href).searchParams.get('me')")
    assert token and len(token) >= 32
    open_page(page, server.url, f"binary_2d?me={token}")  # the map's first fit is a run of this student
    page.get_by_text("The three families compared").wait_for()
    wait_idle(page)
    page.context.clear_cookies()  # a new browser session: only the link knows the student
    open_page(page, server.url, f"results?me={token}")
    saved = page.get_by_role("heading", name="Your saved runs")
    saved.wait_for(timeout=30_000)
    assert saved.inner_text() == "Your saved runs (1)"  # the map's logistic regression at C = 1
    assert "Signed in as Ada" in page.locator("[data-testid=stSidebar]").inner_text()
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "results-after-reload.png"), full_page=True)
