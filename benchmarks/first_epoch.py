"""A training's epoch beside a busy page: a job's work in a thread of the app process shares the
interpreter lock with the page's thread drawing charts; in a worker process (the local executor's
default) it does not. One-epoch linear training (10,000 images) alone and beside a busy thread, both
ways; each case in its own process, after a warm-up job (the worker started, the data loaded).
``python -m benchmarks.first_epoch [--json]``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = """
import threading, time
from mnistlab import jobs
if __name__ == "__main__":
    ex = jobs.make_executor(processes={processes})
    cfg = dict(model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=1)
    ex.submit(jobs.KINDS["train"], dict(config=cfg, n_train=640, n_test=200), "warm-up").wait()
    stop = False
    def page_drawing():
        import numpy as np, plotly.graph_objects as go
        while not stop:
            go.Figure([go.Scatter(x=np.arange(200), y=np.random.rand(200)) for _ in range(5)]).to_json()
    if {busy}:
        threading.Thread(target=page_drawing, daemon=True).start()
    job = ex.submit(jobs.KINDS["train"], dict(config=cfg, n_train=10000, n_test=2000), "s1")
    start = time.perf_counter()
    done = job.wait({timeout})
    print(time.perf_counter() - start if done else None)
    stop = True
    ex.shutdown()
"""


def run_case(busy: bool, processes: bool, timeout: float) -> float | None:
    code = CASE.format(busy=busy, processes=processes, timeout=timeout)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout + 180)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "None"
    return None if last == "None" else round(float(last), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a case counts as stuck")
    args = parser.parse_args()
    result = {}
    for processes in (False, True):
        for busy in (False, True):
            where = "worker process" if processes else "thread of the app process"
            name = f"{where}, {'beside a busy page thread' if busy else 'alone'}"
            result[name] = run_case(busy, processes, args.timeout)  # None: not done within --timeout
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v} s" for k, v in result.items()))


if __name__ == "__main__":
    main()
