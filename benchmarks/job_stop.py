"""How long a Stop takes on each kind of job: submit, wait for its first progress event, press
Stop, time until the job has ended. ``python -m benchmarks.job_stop [--ray local] [--json]``."""

from __future__ import annotations

import argparse
import json
import time

from mnistlab import jobs
from mnistlab.models import classic

CASES = {
    "train (linear, 60,000 images)": (
        "train",
        {"config": {"model": "linear", "optimizer": "sgd", "lr": 0.1, "batch_size": 64, "epochs": 3}},
    ),
    "train (CNN, 60,000 images)": (
        "train",
        {"config": {"model": "cnn", "optimizer": "adam", "lr": 2e-3, "batch_size": 128, "epochs": 3}},
    ),
    "cv_grid 2-D, MLP (notebook grid)": (
        "cv_grid",
        {"features": "2d", "family": "mlp", "grid": classic.MLP_GRID},
    ),
    "cv_grid 784 pixels, MLP (1,000 images)": (
        "cv_grid",
        {"features": "784", "family": "mlp", "grid": classic.MLP_784_GRID, "n_train": 1000, "refit": True},
    ),
    "knn_cv 784 pixels (all 12,218 images)": ("knn_cv", {}),
    "knn_timing (ten classes)": ("knn_timing", {"sizes": [250, 500, 1000, 2000, 5000, 10000]}),
    "mlp_epochs (ten classes, 10,000 images)": ("mlp_epochs", {"n_train": 10000}),
}


RUN_S = 20.0


def measure(executor: jobs.Executor, kind: str, params: dict, timeout: float = 300) -> dict:
    job = executor.submit(jobs.KINDS[kind], params, session="bench")
    # Stop once it shows progress, or after RUN_S of running: a student does not wait for a fold to end.
    deadline = time.monotonic() + timeout
    while not job.events() and not job.wait(0.01):
        running = job.status()
        if running.state is jobs.State.RUNNING and running.elapsed_s > RUN_S:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{kind}: no progress in {timeout} s")
    pressed = time.monotonic()
    job.stop()
    job.wait()
    status = job.status()
    return {
        "stop_s": round(time.monotonic() - pressed, 3),
        "state": status.state.value,
        "events_before_stop": len(job.events()),
        "device": status.device,
        "node": status.node,
    }


def warm_up(executor: jobs.Executor) -> None:
    """Every worker loads and scales the digits once (seconds, not stoppable): done here first, as on a
    server that has been up for a while, so the numbers are the Stop itself."""
    tiny = [
        (
            "train",
            {"config": CASES["train (linear, 60,000 images)"][1]["config"] | {"epochs": 1}, "n_train": 640},
        ),
        ("cv_grid", {"features": "2d", "family": "logistic", "grid": {"C": [1.0]}, "n_train": 100}),
        ("cv_grid", {"features": "784", "family": "logistic", "grid": {"C": [1.0]}, "n_train": 100}),
    ]
    warm = [
        executor.submit(jobs.KINDS[kind], params, f"warm-{session}")
        for kind, params in tiny
        for session in ("a", "b")
    ]  # two sessions: both Ray workers
    for job in warm:
        job.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ray", help="ray://host:10001 or local; default: this process")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", help="only the cases whose name contains this")
    args = parser.parse_args()
    executor = jobs.make_executor(args.ray)
    try:
        warm_up(executor)
        out = {"executor": executor.name}
        for name, (kind, params) in CASES.items():
            if args.only and args.only not in name:
                continue
            out[name] = measure(executor, kind, params)
            print(f"{name:<42} stop took {out[name]['stop_s']:6.3f} s ({out[name]['state']})", flush=True)
        out["max_stop_s"] = max(v["stop_s"] for v in out.values() if isinstance(v, dict))
        print(f"slowest stop: {out['max_stop_s']:.3f} s on {executor.name}")
        if args.json:
            print(json.dumps(out, sort_keys=True))
    finally:
        executor.shutdown()


if __name__ == "__main__":
    main()
