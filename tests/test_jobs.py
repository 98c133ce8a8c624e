"""The job API on the local executor: stop, cancel while queued, fairness, failures, progress."""

from __future__ import annotations

import math
import threading
import time

import pytest

from mnistlab import jobs
from mnistlab.jobs import Event, JobKind, LocalExecutor, State

pytestmark = pytest.mark.timeout(120)

started: list[str] = []
_gates: dict[str, threading.Event] = {}


def gate(name: str) -> threading.Event:
    return _gates.setdefault(name, threading.Event())


def held_work(params, report, should_stop):
    """Holds its slot until the test opens its gate (or it is stopped)."""
    started.append(params["gate"])
    report(Event("start", 0.0, values={"gate": params["gate"]}))
    while not gate(params["gate"]).wait(0.005):
        if should_stop():
            return "stopped early"
    return f"{params['gate']} done"


def failing_work(params, report, should_stop):
    raise ValueError("this setting cannot be fitted")


HELD = JobKind("held", held_work)
FAILING = JobKind("failing", failing_work)


@pytest.fixture
def executor():
    started.clear()
    ex = LocalExecutor(limits={"held": 1})
    yield ex
    for g in _gates.values():
        g.set()
    ex.shutdown()
    for job in ex.jobs():
        assert job.wait(10)
    _gates.clear()


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def test_stop_of_a_running_job_keeps_its_result(executor):
    job = executor.submit(HELD, {"gate": "a"}, "s1")
    wait_until(lambda: job.events())
    assert job.status().state is State.RUNNING
    job.stop()
    assert job.wait(1.0)
    assert job.status().state is State.STOPPED
    assert job.result() == "stopped early"


def test_a_queued_job_is_removed_by_stop_and_never_runs(executor):
    first = executor.submit(HELD, {"gate": "a"}, "s1")
    second = executor.submit(HELD, {"gate": "b"}, "s2")
    third = executor.submit(HELD, {"gate": "c"}, "s3")
    wait_until(lambda: first.events())
    assert (second.status().position, third.status().position) == (1, 2)
    second.stop()
    assert second.status().state is State.STOPPED and "queued" in second.status().reason
    assert third.status().position == 1
    gate("a").set()
    wait_until(lambda: third.events())
    gate("c").set()
    assert third.wait(5) and third.status().state is State.DONE
    assert started == ["a", "c"]


def test_first_come_first_served_across_sessions_one_running_per_session():
    started.clear()
    ex = LocalExecutor(limits={"held": 2})
    try:
        s1a = ex.submit(HELD, {"gate": "s1a"}, "s1")
        s1b = ex.submit(HELD, {"gate": "s1b"}, "s1")  # same student: waits for s1a
        s2a = ex.submit(HELD, {"gate": "s2a"}, "s2")  # another student passes it
        s3a = ex.submit(HELD, {"gate": "s3a"}, "s3")  # both slots busy: waits its turn
        wait_until(lambda: s1a.events() and s2a.events())
        assert s1b.status().state is State.QUEUED and s3a.status().state is State.QUEUED
        assert (s1b.status().position, s3a.status().position) == (1, 2)
        gate("s2a").set()  # a slot frees: s1 still runs one, so s3a starts
        wait_until(lambda: s3a.events())
        assert s1b.status().state is State.QUEUED
        gate("s1a").set()
        wait_until(lambda: s1b.events())
        assert started == ["s1a", "s2a", "s3a", "s1b"]
    finally:
        for g in _gates.values():
            g.set()
        ex.shutdown()
        _gates.clear()


def test_a_failing_job_carries_its_reason_and_the_queue_goes_on(executor):
    bad = executor.submit(FAILING, {}, "s1")
    good = executor.submit(HELD, {"gate": "a"}, "s1")
    gate("a").set()
    assert bad.wait(5) and good.wait(5)
    assert bad.status().state is State.FAILED
    assert bad.status().reason == "ValueError: this setting cannot be fitted"
    assert bad.result() is None
    assert good.status().state is State.DONE


def test_an_unavailable_device_is_a_failed_job_with_the_reason(executor):
    job = executor.submit(jobs.KINDS["train"], {"config": {"model": "linear", "device": "mps"}}, "s1")
    assert job.wait(30)
    assert job.status().state is State.FAILED and "mps" in job.status().reason


LINEAR = {"model": "linear", "optimizer": "sgd", "lr": 0.1, "batch_size": 64, "epochs": 1}


def test_training_reports_running_loss_inside_the_first_epoch(executor):
    job = executor.submit(
        jobs.KINDS["train"], {"config": LINEAR, "n_train": 3200, "n_test": 1000, "loss_every": 5}, "s1"
    )
    assert job.wait(60), job.status()
    assert job.status().state is State.DONE, job.status().reason
    events = job.events()
    batches = [e for e in events if e.step == "batch"]
    assert [e.step for e in events][-1] == "epoch"
    assert len(batches) == 10  # 50 batches of 64, a point every 5
    progress = [e.values["epoch"] for e in batches]
    assert progress == sorted(progress) and progress[0] == pytest.approx(0.1) and progress[-1] == 1.0
    losses = [e.values["train_loss"] for e in batches]
    assert all(math.isfinite(x) for x in losses) and losses[-1] < losses[0]
    result = job.result()
    assert len(result.history) == 1 and result.history[0].val_error_pct < 30
    assert job.status().device == "cpu" and job.status().node


def test_stop_inside_an_epoch_takes_effect_at_the_next_batch(executor):
    job = executor.submit(
        jobs.KINDS["train"], {"config": LINEAR | {"batch_size": 16}, "n_train": 20000, "loss_every": 1}, "s1"
    )
    wait_until(lambda: any(e.step == "batch" for e in job.events()), timeout=60)
    pressed = time.monotonic()
    job.stop()
    assert job.wait(1.0)
    assert time.monotonic() - pressed < 1.0
    assert job.status().state is State.STOPPED
    assert job.result().stopped and job.result().history == []


def test_cv_grid_stops_between_fold_fits_and_keeps_finished_candidates(executor):
    grid = {"C": [1.0, 0.1, 0.01, 0.001]}
    job = executor.submit(
        jobs.KINDS["cv_grid"], {"features": "2d", "family": "logistic", "grid": grid, "n_train": 1000}, "s1"
    )
    wait_until(lambda: any(e.step == "candidate" for e in job.events()), timeout=60)
    job.stop()
    assert job.wait(5)
    out = job.result()
    assert job.status().state is State.STOPPED and not out["complete"]
    done = [e for e in out["cv_error_pct"] if not math.isnan(e)]
    assert 1 <= len(done) < 4 and all(0 <= e <= 100 for e in done)
    # Fold by fold gives what the core's GridSearchCV-order grid gives for the same candidate.
    from mnistlab.data import loaders
    from mnistlab.models import classic

    problem = loaders.binary_problem("mnist", (7, 9), "2d")
    reference = classic.cv_grid(
        classic.logistic(), {"C": [1.0]}, problem.X_train[:1000], problem.y_train[:1000]
    )
    assert out["cv_error_pct"][0] == pytest.approx(reference.cv_error_pct[0])


def test_an_mlp_fit_stops_at_the_next_minibatch_and_is_unchanged_otherwise():
    import numpy as np

    from mnistlab.models import classic
    from mnistlab.models.stopping import Stopped, stoppable

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    plain = classic.mlp(max_iter=50).fit(X, y)
    with stoppable(classic.mlp(max_iter=50), lambda: False) as watched:
        watched.fit(X, y)
    assert all(np.array_equal(a, b) for a, b in zip(plain.coefs_, watched.coefs_, strict=True))
    calls = []

    def stop_on_third_check() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(Stopped), stoppable(classic.mlp(max_iter=50), stop_on_third_check) as model:
        model.fit(X, y)
    assert len(calls) == 3  # a 300-image epoch is two minibatches of 200: it stopped inside the second epoch


def test_cli_long_commands_take_ray_and_a_failed_job_is_a_clear_error(capsys):
    from mnistlab.tools import cli

    parser = cli.build_parser()
    for argv in (["train"], ["bench", "train"], ["reproduce"]):
        assert parser.parse_args([*argv, "--ray", "ray://head:10001"]).ray == "ray://head:10001"
    assert cli.main(["train", "--model", "linear", "--device", "mps", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "failed on local" in captured.err and "Cannot train on mps" in captured.err


def test_knn_cv_curve_in_query_blocks_equals_the_core_curve(executor, monkeypatch):
    from mnistlab.data import loaders
    from mnistlab.models import knn

    monkeypatch.setattr(knn, "QUERY_BLOCK", 70)  # several blocks per fold on a small slice
    job = executor.submit(jobs.KINDS["knn_cv"], {"n_train": 600, "ks": [1, 3, 5]}, "s1")
    assert job.wait(60) and job.status().state is State.DONE, job.status()
    problem = loaders.binary_problem("mnist", (7, 9), "784")
    monkeypatch.setattr(knn, "QUERY_BLOCK", 500)  # the curve in one block per fold
    assert job.result()["curve"] == knn.cv_curve(problem.X_train[:600], problem.y_train[:600], (1, 3, 5))
    assert [e.values["fold"] for e in job.events()] == [1, 2, 3, 4, 5]


def test_the_switch_interval_is_python_s_unless_asked(monkeypatch):
    """Shorter lets jobs beside busy page threads run (benchmarks.first_epoch); a class pays in latency."""
    import sys

    from mnistlab.jobs import local

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        monkeypatch.delenv(local.SWITCH_INTERVAL_ENV, raising=False)
        LocalExecutor()
        assert sys.getswitchinterval() == pytest.approx(0.005)
        monkeypatch.setenv(local.SWITCH_INTERVAL_ENV, "0.25")
        LocalExecutor()
        assert sys.getswitchinterval() == pytest.approx(0.00025)
    finally:
        sys.setswitchinterval(before)
