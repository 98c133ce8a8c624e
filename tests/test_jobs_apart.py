"""A training started from the page computes in a worker process, and the page answers meanwhile."""

import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mnistlab import jobs
from tests.conftest import after_jobs

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (what it computed, whoever asks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_training_computes_in_a_worker_process_while_the_page_answers(mnist, fresh_streamlit_caches):
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/training.py").run()
    app.selectbox(key="train-model").set_value("mlp").run()
    app.slider(key="train-epochs").set_value(2).run()
    app.button(key="train-run").click().run()
    (job,) = [j for j in jobs.executor().jobs() if j.kind.name == "train"]
    deadline = time.monotonic() + 120
    while not job.events() and time.monotonic() < deadline:  # its first batches are done
        time.sleep(0.05)
    assert job.state is jobs.State.RUNNING, job.status()
    worker = job.placement["pid"]
    assert worker != os.getpid() and parent_of(worker) == os.getpid()  # a child of the app's process
    before = cpu_seconds(worker)
    # The page answers while it trains: another page runs through, and this one redraws its progress.
    app.switch_page("pages/binary_2d.py").run()
    assert not app.exception and job.state is jobs.State.RUNNING
    app.switch_page("pages/training.py").run()
    assert not app.exception
    after_jobs(app)
    assert job.status().state is jobs.State.DONE, job.status()
    assert cpu_seconds(worker) - before > 0.5  # the epochs' compute was spent in the worker
