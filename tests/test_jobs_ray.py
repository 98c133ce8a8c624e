"""The same job API on a private Ray instance (2 CPUs, in this process): a training, a CV grid,
Stop, a lost worker; and no Ray process left behind."""

from __future__ import annotations

import math
import os
import subprocess
import time

import pytest

from tests.conftest import require_module

ray = require_module("ray", "MNISTLAB_REQUIRE_RAY")

from mnistlab import jobs  # noqa: E402
from mnistlab.jobs import JobKind, State  # noqa: E402

# One private Ray instance for the module, shut down by its last test: the order as written.
pytestmark = [pytest.mark.timeout(180), pytest.mark.in_order]

LINEAR = {"model": "linear", "optimizer": "sgd", "lr": 0.1, "batch_size": 64, "epochs": 1}


def crash_work(params, report, should_stop):
    if os.getpid() == params["runner"]:  # never the test runner itself, whatever runs the work
        raise RuntimeError("crash_work ran in the test process")
    os._exit(1)  # a worker that dies, as on a node that goes away


@pytest.fixture(scope="module")
def executor():
    ex = jobs.make_executor("local")
    yield ex
    ex.shutdown()


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_one_epoch_linear_training(executor):
    job = executor.submit(
        jobs.KINDS["train"], {"config": LINEAR, "n_train": 3200, "n_test": 1000, "loss_every": 10}, "s1"
    )
    assert job.wait(120), job.status()
    status = job.status()
    assert status.state is State.DONE, status.reason
    assert (status.executor, status.device) == ("ray", "cpu") and status.node
    steps = [e.step for e in job.events()]
    assert steps.count("batch") == 5 and steps[-1] == "epoch"
    result = job.result()
    assert len(result.history) == 1 and result.history[0].val_error_pct < 30
    assert next(result.model.parameters()).device.type == "cpu"


def test_stop_a_training_at_the_next_batch(executor):
    job = executor.submit(
        jobs.KINDS["train"], {"config": LINEAR | {"batch_size": 16}, "n_train": 20000, "loss_every": 1}, "s1"
    )
    wait_until(lambda: any(e.step == "batch" for e in job.events()))
    pressed = time.monotonic()
    job.stop()
    assert job.wait(5)
    assert time.monotonic() - pressed < 1.0
    assert job.status().state is State.STOPPED and job.result().stopped


def test_small_cv_grid_and_its_stop(executor):
    params = {"features": "2d", "family": "logistic", "grid": {"C": [1.0, 0.01]}, "n_train": 800}
    full = executor.submit(jobs.KINDS["cv_grid"], params, "s1")
    assert full.wait(120) and full.status().state is State.DONE, full.status()
    out = full.result()
    assert out["complete"] and all(0 <= e <= 100 for e in out["cv_error_pct"])
    assert [e.values["index"] for e in full.events() if e.step == "candidate"] == [0, 1]
    assert [e.values["fold"] for e in full.events() if e.step == "fold"] == [1, 2, 3, 4, 5] * 2

    # MLP candidates (five fits of up to 2000 epochs each) take long enough to be stopped midway.
    mlp = {"features": "2d", "family": "mlp", "grid": {"alpha": [1.0, 0.1, 0.01, 0.001]}, "n_train": 800}
    stopped = executor.submit(jobs.KINDS["cv_grid"], mlp, "s1")
    wait_until(lambda: any(e.step == "candidate" for e in stopped.events()))
    pressed = time.monotonic()
    stopped.stop()
    assert stopped.wait(10)
    print(f"cv grid (2-D MLP) stop took {time.monotonic() - pressed:.2f} s")
    partial = stopped.result()
    assert stopped.status().state is State.STOPPED and not partial["complete"]
    assert not math.isnan(partial["cv_error_pct"][0]) and math.isnan(partial["cv_error_pct"][-1])


def test_a_lost_worker_is_a_failed_job_with_the_reason(executor):
    job = executor.submit(JobKind("crash", crash_work), {"runner": os.getpid()}, "s1")
    assert job.wait(60)
    assert job.status().state is State.FAILED
    assert "worker was lost" in job.status().reason


def test_shutdown_leaves_no_ray_process(executor):
    session_dir = ray._private.worker._global_node.get_session_dir_path()  # noqa: SLF001
    executor.shutdown()
    assert not ray.is_initialized()

    def ours() -> list[str]:
        ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
        return [line for line in ps.splitlines() if session_dir in line]

    deadline = time.monotonic() + 10
    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ours() == []
