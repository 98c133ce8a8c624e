"""Driving the dashboard as a browser does: a `streamlit run` server on loopback and helpers for
Debian's Chromium through Playwright. Shared by the browser tests and the UI latency benchmark."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.servers import ROOT, AppServer, free_port

CHROMIUM = Path(os.environ.get("MNISTLAB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


class Server(AppServer):
    """The dashboard for a browser test, its log kept in test-artifacts/ (read it when a test fails)."""

    def __init__(self, env: dict | None = None, script: Path = ROOT / "app.py"):
        ARTIFACTS.mkdir(exist_ok=True)
        port = free_port()
        self.log_path = ARTIFACTS / f"streamlit-{port}.log"
        super().__init__(port=port, log_path=self.log_path, env=env, script=script)


# Idle means the script has finished AND the page shows its output: while a rerun's deltas are still being
# applied, the elements it has not redrawn yet are marked stale.
PAGE_IDLE = (
    "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
    " && document.querySelector('[data-stale=true]') === null"
)


# The 2-D playground's C slider, by its label: the page's first slider in the DOM is not always C (while
# the playground's fragment redraws, the step-by-step section's sliders can come first).
C_SLIDER = dict(role="slider", name="C (inverse regularisation, log scale)")


def wait_idle(pg, timeout_ms: int = 120_000) -> None:
    """Wait until the script (and its fragments) has finished running and the page has been redrawn."""
    pg.wait_for_function(PAGE_IDLE, timeout=timeout_ms)


def open_page(pg, url: str, path: str = "") -> None:
    pg.goto(f"{url}/{path}")
    pg.wait_for_selector("[data-testid=stApp]")
    wait_idle(pg)


def exceptions(pg) -> list[str]:
    return pg.locator("[data-testid=stException]").all_inner_texts()


def draw_seven(page, shift: int = 0) -> None:
    """Draw a '7' on the canvas with the mouse (a top bar, then a diagonal); ``shift`` moves it right.
    Leaves the mouse button down, so the caller can time the release."""
    box = page.locator("canvas.upper-canvas").bounding_box()
    x0, y0 = box["x"] + 70 + shift, box["y"] + 50
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 + 14 * i, y0, steps=2)
    for i in range(1, 15):
        page.mouse.move(x0 + 140 - 8 * i, y0 + 14 * i, steps=2)
