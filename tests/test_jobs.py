"""The job API on the local executor: stop, cancel while queued, fairness, failures, progress; the work
runs in worker processes, so the held jobs here talk to the test through files."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path

import pytest

from mnistlab import jobs
from mnistlab.jobs import Event, JobKind, LocalExecutor, State
from mnistlab.jobs.workers import WorkerPool
from mnistlab.ui import jobs as ui_jobs

pytestmark = pytest.mark.timeout(180)


def held_work(params, report, should_stop):
    """Holds its slot until the test opens its gate (a file) or it is stopped; notes its start and pid."""
    folder = Path(params["folder"])
    with open(folder / "started", "a") as log:
        log.write(params["gate"] + "\n")
    report(Event("start", 0.0, values={"gate": params["gate"], "pid": os.getpid()}))
    while not (folder / params["gate"]).exists():
        if should_stop():
            return "stopped early"
        time.sleep(0.005)
    return f"{params['gate']} done"


def failing_work(params, report, should_stop):
    raise ValueError("this setting cannot be fitted")


def dying_work(params, report, should_stop):
    report(Event("start", 0.0))
    os.kill(os.getpid(), signal.SIGKILL)


HELD = JobKind("held", held_work)
FAILING = JobKind("failing", failing_work)
DYING = JobKind("dying", dying_work)


@pytest.fixture(scope="module")
def pool():
    """One pool for the module's executors: a worker's start (Python, torch, scikit-learn) is paid once."""
    shared = WorkerPool(keep_idle=3)
    # Started and imported before the first test's clock runs: on a loaded machine that takes a while.
    warm = local_executor(shared, {}).submit(FAILING, {}, "warm-up")
    assert warm.wait(170) and warm.status().state is State.FAILED, warm.status()
    yield shared
    shared.shutdown()


class Gates:
    def __init__(self, folder: Path):
        self.folder = folder

    def params(self, name: str) -> dict:
        return {"gate": name, "folder": str(self.folder)}

    def open(self, name: str) -> None:
        (self.folder / name).touch()

    def started(self) -> list[str]:
        log = self.folder / "started"
        return log.read_text().split() if log.exists() else []


@pytest.fixture
def gates(tmp_path):
    return Gates(tmp_path)


def local_executor(pool, limits):
    ex = LocalExecutor(limits=limits)
    ex.pool = pool  # the module's pool, not a new one per test
    return ex


@pytest.fixture
def executor(pool, gates):
    ex = local_executor(pool, {"held": 1})
    yield ex
    for job in ex.jobs():
        job.stop()
    for job in ex.jobs():
        assert job.wait(10)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def test_stop_of_a_running_job_keeps_its_result(executor, gates):
    job = executor.submit(HELD, gates.params("a"), "s1")
    wait_until(lambda: job.events())
    assert job.status().state is State.RUNNING
    assert job.events()[0].values["pid"] != os.getpid()  # the work runs in a worker process
    job.stop()
    assert job.wait(2.0)
    assert job.status().state is State.STOPPED
    assert job.result() == "stopped early"


def test_a_queued_job_is_removed_by_stop_and_never_runs(executor, gates):
    first = executor.submit(HELD, gates.params("a"), "s1")
    second = executor.submit(HELD, gates.params("b"), "s2")
    third = executor.submit(HELD, gates.params("c"), "s3")
    wait_until(lambda: first.events())
    assert (second.status().position, third.status().position) == (1, 2)
    second.stop()
    assert second.status().state is State.STOPPED and "queued" in second.status().reason
    assert third.status().position == 1
    gates.open("a")
    wait_until(lambda: third.events())
    gates.open("c")
    assert third.wait(5) and third.status().state is State.DONE
    assert gates.started() == ["a", "c"]


def test_first_come_first_served_across_sessions_one_running_per_session(pool, gates):
    ex = local_executor(pool, {"held": 2})
    try:
        s1a = ex.submit(HELD, gates.params("s1a"), "s1")
        s1b = ex.submit(HELD, gates.params("s1b"), "s1")  # same student: waits for s1a
        s2a = ex.submit(HELD, gates.params("s2a"), "s2")  # another student passes it
        s3a = ex.submit(HELD, gates.params("s3a"), "s3")  # both slots busy: waits its turn
        wait_until(lambda: s1a.events() and s2a.events())
        assert s1b.status().state is State.QUEUED and s3a.status().state is State.QUEUED
        assert (s1b.status().position, s3a.status().position) == (1, 2)
        gates.open("s2a")  # a slot frees: s1 still runs one, so s3a starts
        wait_until(lambda: s3a.events())
        assert s1b.status().state is State.QUEUED
        gates.open("s1a")
        wait_until(lambda: s1b.events())
        assert gates.started() == ["s1a", "s2a", "s3a", "s1b"]
    finally:
        for job in ex.jobs():
            job.stop()
        for job in ex.jobs():
            assert job.wait(10)


def test_a_failing_job_carries_its_reason_and_the_queue_goes_on(executor, gates):
    bad = executor.submit(FAILING, {}, "s1")
    good = executor.submit(HELD, gates.params("a"), "s1")
    gates.open("a")
    assert bad.wait(30) and good.wait(30)
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
    assert job.wait(2.0)
    assert time.monotonic() - pressed < 2.0  # a batch, plus the stop flag's and the pipe's way back
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


def test_knn_cv_curve_in_query_blocks_equals_the_core_curve(executor):
    from mnistlab.data import loaders
    from mnistlab.models import knn

    # several blocks per fold on a small slice (a worker process: a param, not a patched constant)
    job = executor.submit(jobs.KINDS["knn_cv"], {"n_train": 600, "ks": [1, 3, 5], "query_block": 70}, "s1")
    assert job.wait(60) and job.status().state is State.DONE, job.status()
    problem = loaders.binary_problem("mnist", (7, 9), "784")
    assert job.result()["curve"] == knn.cv_curve(problem.X_train[:600], problem.y_train[:600], (1, 3, 5))
    assert [e.values["fold"] for e in job.events()] == [1, 2, 3, 4, 5]


def test_a_killed_worker_is_a_failed_job_with_the_reason_and_the_next_job_runs(executor, gates):
    dead = executor.submit(DYING, {}, "s1")
    assert dead.wait(30), dead.status()
    assert dead.status().state is State.FAILED and dead.status().reason == (
        "its worker process was killed (SIGKILL)"
    )
    after = executor.submit(HELD, gates.params("after"), "s1")
    gates.open("after")
    assert after.wait(30) and after.status().state is State.DONE


def test_a_closed_session_s_running_and_queued_jobs_are_cancelled(executor, gates):
    running = executor.submit(HELD, gates.params("r"), "gone")
    queued = executor.submit(HELD, gates.params("q"), "gone")
    other = executor.submit(HELD, gates.params("o"), "stays")
    unknown = executor.submit(HELD, gates.params("u"), "unknown")
    wait_until(lambda: running.events())
    assert executor.sessions() == {"gone", "stays", "unknown"}
    # Streamlit has freed "gone"; "unknown" cannot be asked about (None): only "gone" is cancelled.
    alive = {"gone": False, "stays": True, "unknown": None}.get
    assert ui_jobs.cancel_closed_sessions(executor, alive) == ["gone"]
    assert running.wait(5) and queued.wait(5)
    assert running.status().state is State.STOPPED and queued.status().state is State.STOPPED
    wait_until(lambda: other.events())  # the slot went to the other session's job
    gates.open("o")
    assert other.wait(10) and other.status().state is State.DONE
    assert unknown.status().state is not State.STOPPED


def test_a_short_training_does_not_wait_behind_a_long_one_and_a_queued_one_hears_its_wait(pool):
    """Two training lanes by default: a one-epoch linear run clicked after a long MLP run starts at once
    and finishes while the long one still runs; a third run waits and is told about how long."""
    ex = LocalExecutor()
    ex.pool = pool
    assert ex.limit("train", "cpu") == 2
    long_config = LINEAR | {"model": "mlp", "epochs": 50}
    try:
        long = ex.submit(jobs.KINDS["train"], {"config": long_config, "n_train": 20000, "n_test": 500}, "s1")
        short_params = {"config": LINEAR, "n_train": 2000, "n_test": 500}
        short = ex.submit(jobs.KINDS["train"], short_params, "s2")
        assert short.status().state is State.RUNNING  # not queued behind the long run
        assert short.wait(120) and short.status().state is State.DONE, short.status()
        assert long.status().state is State.RUNNING  # the short one finished first
        # Both lanes busy: the next run waits; once the long run has shown progress, its wait has a figure.
        second_long = ex.submit(jobs.KINDS["train"], {"config": long_config, "n_train": 20000}, "s3")
        queued = ex.submit(jobs.KINDS["train"], short_params, "s4")
        behind = ex.submit(jobs.KINDS["train"], short_params, "s5")
        assert queued.status().state is State.QUEUED and queued.status().position == 1
        wait_until(lambda: (second_long.status().fraction or 0) >= 0.02, timeout=120)
        first, then = ex.expected_wait_s(queued), ex.expected_wait_s(behind)
        assert first is not None and first > 0
        # The one behind waits for a lane and then for a short run it has seen finish before.
        assert then is not None and then > first
    finally:
        for job in ex.jobs():
            job.stop()
        for job in ex.jobs():
            assert job.wait(30)
