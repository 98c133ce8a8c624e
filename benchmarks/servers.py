"""App processes for the load benchmark: start `streamlit run` on a free loopback port, wait, measure RSS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen | None = None, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url}/_stcore/health did not answer within {timeout_s:.0f} s")


class AppServer:
    """One `streamlit run app.py` on loopback; ``flags`` are extra command-line config options."""

    def __init__(
        self,
        flags: list[str] | None = None,
        port: int | None = None,
        log_path: Path | None = None,
        env: dict[str, str] | None = None,
        script: Path = ROOT / "app.py",
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *(flags or []),
        ]
        self.log = open(log_path or os.devnull, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        wait_healthy(self.url, self.process)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """The summed RSS of the app processes, sampled every ``period_s``; keeps the peak."""

    def __init__(self, pids: list[int], period_s: float = 0.2):
        super().__init__(daemon=True)
        self.pids, self.period_s = pids, period_s
        self.peak = self.now()
        self.samples: list[tuple[float, float]] = []
        self._halt = threading.Event()

    def now(self) -> float:
        return sum(rss_mb(pid) for pid in self.pids)

    def run(self) -> None:
        start = time.monotonic()
        while not self._halt.wait(self.period_s):
            value = self.now()
            self.peak = max(self.peak, value)
            self.samples.append((time.monotonic() - start, value))

    def stop(self) -> None:
        self._halt.set()
        self.join()
