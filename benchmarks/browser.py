"""Driving the dashboard as a browser does: a `streamlit run` server on loopback and helpers for
Debian's Chromium through Playwright. Shared by the browser tests and the UI latency benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("MNISTLAB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not become healthy in {timeout_s} s")


class Server:
    def __init__(self, env: dict | None = None, script: Path = ROOT / "app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"streamlit-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        wait_healthy(self.url, self.process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# Idle means the script has finished AND the page shows its output: while a rerun's deltas are still being
# applied, the elements it has not redrawn yet are marked stale.
PAGE_IDLE = ("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
             " && document.querySelector('[data-stale=true]') === null")


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
