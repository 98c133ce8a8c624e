"""A class pressing Train at once: N students each submit a linear network for one epoch; time
until all have finished, and how long each waited in the queue.
``python -m benchmarks.job_class [--ray local] [--students 10] [--json]``."""

from __future__ import annotations

import argparse
import json
import statistics
import time

from mnistlab import jobs

LINEAR_EPOCH = {"model": "linear", "optimizer": "sgd", "lr": 0.1, "batch_size": 64, "epochs": 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ray", help="ray://host:10001 or local; default: this process")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument(
        "--n-train", type=int, default=None, help="first training images (default: all 60,000)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    executor = jobs.make_executor(args.ray)
    try:
        # Warm: the data loaded and scaled once in this process (or in one Ray worker), as on a
        # server that has been up for a while.
        executor.submit(jobs.KINDS["train"], {"config": LINEAR_EPOCH, "n_train": 640}, "warm-up").wait()
        start = time.monotonic()
        class_jobs = [
            executor.submit(
                jobs.KINDS["train"], {"config": LINEAR_EPOCH, "n_train": args.n_train}, f"student-{i}"
            )
            for i in range(args.students)
        ]
        for job in class_jobs:
            job.wait()
        total = time.monotonic() - start
        statuses = [job.status() for job in class_jobs]
        runs = [s.elapsed_s for s in statuses]
        out = {
            "executor": executor.name,
            "students": args.students,
            "n_train": args.n_train or 60000,
            "all_finished_s": round(total, 2),
            "run_s_median": round(statistics.median(runs), 2),
            "states": sorted({s.state.value for s in statuses}),
            "test_error_pct_median": statistics.median(j.result().final.val_error_pct for j in class_jobs),
            "nodes": sorted({str(s.node) for s in statuses}),
        }
        print(
            f"{args.students} trainings on {executor.name}: all finished after {total:.1f} s "
            f"(one run {out['run_s_median']:.1f} s median)",
            flush=True,
        )
        if args.json:
            print(json.dumps(out, sort_keys=True))
    finally:
        executor.shutdown()


if __name__ == "__main__":
    main()
