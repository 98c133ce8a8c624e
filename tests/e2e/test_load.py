"""N browser sessions at once on loopback, each doing the common things; bounded in count and time.

Asserts no exception, every interaction done by every student, and a lost key press recovered by one
more press. Timings are reported beside one student alone in the same run, not asserted: ten Chromiums
share the two cores with the server, so they measure the browsers (one CI run saw trainings 18x, another
33x one alone); the server's capacity is measured and bounded at the protocol level by
`benchmarks.class_load` (tests/load). The server's RSS (baseline, peak, after
the sessions, after the disconnected-session TTL) is recorded, not asserted: CPython and glibc keep
freed memory in the process, so RSS cannot show whether session state was released. Figures are
printed (run with -s) and saved to test-artifacts/load.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time

import pytest

from benchmarks import st_protocol
from benchmarks.browser import ARTIFACTS, C_SLIDER, CHROMIUM, CHROMIUM_ARGS, PAGE_IDLE, Server
from tests.e2e.conftest import require_browser

pytestmark = [pytest.mark.e2e, pytest.mark.load]
SESSIONS = 10
TTL_S = 5

STATE_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)


async def settled(page, last_text: str) -> None:
    """Wait until the page's first run has drawn ``last_text`` and finished: a key pressed earlier can be
    lost when the run redraws its widget (the app's state reads 'notRunning' before the run starts)."""
    await page.get_by_text(last_text).first.wait_for(timeout=180_000)
    await page.wait_for_function(PAGE_IDLE, timeout=180_000)


# A training job has started: queued (with its position), running (a progress bar) or already done.
JOB_STARTED = (
    "[data-testid=stProgress], [data-testid=stAlert]:has-text('Queued'), "
    "[data-testid=stCaptionContainer]:has-text('Done in')"
)


# The last of ten trainings queued one at a time waits for the other nine, on two cores shared with ten
# Chromiums (a CI run saw p95 76 s and once more than 180 s): within the whole test's 600 s.
DONE_TIMEOUT_MS = 400_000


def until_taken(act, taken, retries: list[int], what: str):
    """``act`` again until ``taken`` sees it took effect, three tries at most: under this load a key press
    or click can land while the page redraws its widget and be lost. A retry is counted in ``retries``."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    async def tried() -> None:
        for attempt in range(3):
            await act()
            try:
                await taken()
            except PlaywrightTimeout:
                continue
            if attempt:
                retries.append(attempt)
            return
        raise AssertionError(f"{what} did not respond to three tries")

    return tried


async def timed(page, action, done_selector_or_text) -> float:
    start = time.perf_counter()
    await action()
    if done_selector_or_text.startswith("["):
        await page.wait_for_selector(done_selector_or_text, timeout=DONE_TIMEOUT_MS)
    else:
        await page.get_by_text(done_selector_or_text).first.wait_for(timeout=DONE_TIMEOUT_MS)
    await page.wait_for_selector(STATE_IDLE, timeout=DONE_TIMEOUT_MS)
    return time.perf_counter() - start


async def student(browser, url: str, i: int, times: dict[str, list[float]]) -> int:
    context = await browser.new_context(viewport={"width": 1300, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(60_000)
    # 1. The binary playground: one slider step.
    await page.goto(f"{url}/binary_2d")
    await settled(page, "The three families compared")  # the page's last section: the first run is over
    thumb = page.get_by_role(**C_SLIDER)

    async def press_home() -> None:
        await thumb.focus()
        await page.keyboard.press("Home")

    async def slider_moved() -> None:
        await page.get_by_text("C=0.0001").first.wait_for(timeout=30_000)

    retried_home = until_taken(press_home, slider_moved, times["slider retries"], "the C slider")
    times["slider"].append(await timed(page, retried_home, "C=0.0001"))
    # 2. The drawing page: one digit.
    await page.goto(f"{url}/draw")
    canvas = page.locator("canvas.upper-canvas")
    await canvas.wait_for()
    await settled(page, "Draw a digit on the black canvas")
    box = await canvas.bounding_box()
    x0, y0 = box["x"] + 70 + i, box["y"] + 50
    await page.mouse.move(x0, y0)
    await page.mouse.down()
    for k in range(1, 11):
        await page.mouse.move(x0 + 14 * k, y0, steps=2)
    for k in range(1, 15):
        await page.mouse.move(x0 + 140 - 8 * k, y0 + 14 * k, steps=2)
    times["draw"].append(await timed(page, page.mouse.up, "What the model sees"))
    # 3. One short training (1 epoch of the linear network); trainings queue for the CPU.
    await page.goto(f"{url}/training")
    await settled(page, "Runs in this session")
    await page.get_by_role("combobox", name="Network").click()
    await page.get_by_role("option", name="Linear (784 -> 10), section 5.1").click()
    # The network's preset sets the epochs; wait for it before changing them, or the change is lost.
    await page.wait_for_selector("input[aria-label=Epochs][aria-valuetext='10']")
    await page.wait_for_selector(STATE_IDLE)

    async def epochs_home() -> None:
        await page.get_by_role("slider", name="Epochs").focus()
        await page.keyboard.press("Home")

    async def one_epoch() -> None:
        await page.wait_for_selector("input[aria-label=Epochs][aria-valuetext='1']", timeout=30_000)

    await until_taken(epochs_home, one_epoch, times["epochs retries"], "the Epochs slider")()
    await page.wait_for_selector(STATE_IDLE)
    try:
        train = page.get_by_role("button", name="Train", exact=True)

        async def job_started() -> None:
            await page.wait_for_selector(JOB_STARTED, timeout=30_000)

        start_training = until_taken(train.click, job_started, times["training retries"], "the Train button")
        times["training"].append(await timed(page, start_training, "1 / 1"))
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"load-student-{i}.png"), full_page=True)
        raise
    errors = await page.locator("[data-testid=stException]").count()
    await context.close()
    return errors


async def run_load(url: str, sessions: int) -> tuple[dict, int]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {
        "slider": [],
        "draw": [],
        "training": [],
        "slider retries": [],
        "training retries": [],
        "epochs retries": [],
    }
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        students = (student(browser, url, i, times) for i in range(sessions))
        errors = await asyncio.wait_for(asyncio.gather(*students), timeout=600)
        await browser.close()
    return times, sum(errors)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def test_ten_concurrent_sessions(mnist):
    require_browser()
    server = Server(env={"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(TTL_S)})
    try:
        # One student first fills the caches every session shares (data, maps, models, neighbour index),
        # so what the load adds on top is the sessions' own.
        st_protocol.run(run_load(server.url, 1))
        alone, _ = st_protocol.run(run_load(server.url, 1))  # the reference: one student on warm caches
        time.sleep(TTL_S + 3)  # the TTL is the server's timer: nothing to wait on from outside
        baseline = rss_mb(server.process.pid)
        sampler = RssSampler(server.process.pid)
        sampler.start()
        times, errors = st_protocol.run(run_load(server.url, SESSIONS))
        sampler.running = False
        after_load = rss_mb(server.process.pid)
        time.sleep(TTL_S + 5)  # the server drops a closed tab's session after the TTL
        released = rss_mb(server.process.pid)
    finally:
        server.stop()
    retries = times.pop("slider retries")
    training_retries = times.pop("training retries")
    epochs_retries = times.pop("epochs retries")
    for name in ("slider retries", "training retries", "epochs retries"):
        alone.pop(name, None)
    report = {
        "sessions": SESSIONS,
        "exceptions": errors,
        "rss_mb": {
            "baseline": round(baseline),
            "peak": round(sampler.peak),
            "after_load": round(after_load),
            "after_ttl": round(released),
        },
        "slider_retries": len(retries),
        "training_click_retries": len(training_retries),
        "epochs_key_retries": len(epochs_retries),
        "alone_p50_s": {name: round(statistics.median(v), 2) for name, v in alone.items() if v},
        **{
            name: {
                "p50_s": round(statistics.median(v), 2),
                "p95_s": round(percentile(v, 0.95), 2),
                "n": len(v),
                "p50_vs_alone": round(statistics.median(v) / statistics.median(alone[name]), 1),
            }
            for name, v in times.items()
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))
    assert errors == 0
    assert all(len(v) == SESSIONS for v in times.values())
    assert max(retries, default=0) <= 1, report  # a press lost in a redraw is taken by the next one
    assert max(training_retries, default=0) <= 1, report
    assert max(epochs_retries, default=0) <= 1, report
