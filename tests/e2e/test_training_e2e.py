"""Training in a real browser: a short run, Stop in mid-run, per-student isolation, the queue."""

import pytest

from benchmarks.browser import ARTIFACTS, exceptions, open_page, wait_idle
from mnistlab.models import nets
from mnistlab.ui.widgets import OPTIMIZER_LABELS

pytestmark = pytest.mark.e2e
NETWORKS = {label: name for name, label in nets.MODELS.items()}


def set_epochs(page, key: str) -> None:
    slider = page.get_by_role("slider", name="Epochs")
    slider.focus()
    page.keyboard.press(key)  # Home: 1 epoch, End: 100
    page.wait_for_selector(f"input[aria-label=Epochs][aria-valuetext='{1 if key == 'Home' else 100}']")
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    page.wait_for_selector(f'input[role=combobox][aria-label="{label}"][value="{option}"]')
    wait_idle(page)
    if label == "Network":  # its preset lands in the other widgets (an on_change callback): wait for it
        preset = OPTIMIZER_LABELS[nets.PRESETS[NETWORKS[option]]["optimizer"]]
        page.wait_for_selector(f'input[role=combobox][aria-label="Optimiser"][value="{preset}"]')


def wait_for_progress(page, pattern: str, timeout_ms: int = 120_000) -> None:
    """Until a progress bar's text matches ``pattern`` (a regular expression)."""
    page.wait_for_function(
        "p => Array.from(document.querySelectorAll('[data-testid=stProgress]'))"
        ".some(e => new RegExp(p).test(e.innerText))",
        arg=pattern,
        timeout=timeout_ms,
    )


def runs_table_text(page) -> str:
    return page.locator("[data-testid=stTable]").last.inner_text()


def test_one_epoch_then_stop_in_mid_run(server, page):
    open_page(page, server.url, "training")
    choose(page, "Network", "Linear (784 -> 10), section 5.1")
    set_epochs(page, "Home")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("1 / 1").wait_for(timeout=120_000)
    wait_idle(page)
    assert page.get_by_role("heading", name="Runs in this session").count() == 1

    set_epochs(page, "End")
    page.get_by_role("button", name="Train", exact=True).click()
    wait_for_progress(page, r"epoch [1-9]\d*\.")  # the running loss after the first epoch
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped: the model and curves so far are kept.").wait_for(timeout=60_000)
    wait_idle(page)
    epoch = page.locator("[data-testid=stMetricValue]").first.inner_text()
    assert epoch.endswith("/ 100") and 1 <= int(epoch.split("/")[0]) < 100
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "training-stopped.png"), full_page=True)


def test_two_students_each_see_their_own_runs(server, browser):
    pages = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2)]
    try:
        for pg, network in zip(
            pages, ["Linear (784 -> 10), section 5.1", "MLP 784-200-100-10, section 5.3"], strict=True
        ):
            pg.set_default_timeout(120_000)
            open_page(pg, server.url, "training")
            choose(pg, "Network", network)
            set_epochs(pg, "Home")
            pg.get_by_role("button", name="Train", exact=True).click()
            pg.get_by_text("1 / 1").wait_for()
            wait_idle(pg)
        first, second = (runs_table_text(pg) for pg in pages)
        assert "linear" in first and "mlp" not in first
        assert "mlp" in second and "linear" not in second
    finally:
        for pg in pages:
            pg.context.close()


def test_a_third_training_waits_in_the_queue(server, browser):
    """Two trainings run at once (two lanes); a third waits, says so, and starts when a lane frees."""
    pages = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(3)]
    try:
        for pg in pages:
            pg.set_default_timeout(120_000)
            open_page(pg, server.url, "training")
        for pg in pages[:2]:  # long runs that hold both training lanes
            set_epochs(pg, "End")
            pg.get_by_role("button", name="Train", exact=True).click()
            # A lane's first job waits for its worker process to start and load the data.
            wait_for_progress(pg, r"epoch \d+\.", 300_000)
        pages[2].get_by_role("button", name="Train", exact=True).click()
        pages[2].get_by_text("Queued: position 1 on this server").wait_for(timeout=30_000)
        pages[0].get_by_role("button", name="Stop", exact=True).click()  # frees a lane: the queued run starts
        wait_for_progress(pages[2], r"epoch \d+\.", 60_000)
        for pg in pages[1:]:
            pg.get_by_role("button", name="Stop", exact=True).click()
            wait_idle(pg)
        assert all(exceptions(pg) == [] for pg in pages)
    finally:
        for pg in pages:
            pg.context.close()
