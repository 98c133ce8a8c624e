"""Why a fresh server's first epoch was slow: a training job's thread beside a busy Python thread (a page
drawing its charts), at Python's default interpreter-lock switch interval (5 ms) and shorter ones
(MNISTLAB_SWITCH_INTERVAL_MS). Each case in its own process. ``python -m benchmarks.first_epoch [--json]``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = """
import sys, threading, time
from mnistlab import jobs
ex = jobs.make_executor()
sys.setswitchinterval({interval})
stop = False
def page_drawing():
    import numpy as np, plotly.graph_objects as go
    while not stop:
        go.Figure([go.Scatter(x=np.arange(200), y=np.random.rand(200)) for _ in range(5)]).to_json()
if {busy}:
    threading.Thread(target=page_drawing, daemon=True).start()
cfg = dict(model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=1)
job = ex.submit(jobs.KINDS["train"], dict(config=cfg, n_train=10000, n_test=2000), "s1")
start = time.perf_counter()
done = job.wait({timeout})
print(time.perf_counter() - start if done else None)
stop = True
"""


def run_case(busy: bool, interval: float, timeout: float) -> float | None:
    code = CASE.format(busy=busy, interval=interval, timeout=timeout)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout + 120)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "None"
    return None if last == "None" else round(float(last), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a case counts as stuck")
    args = parser.parse_args()
    result = {}
    for busy in (False, True):
        for interval in (0.005, 0.001, 0.00025):
            name = f"{'beside a busy thread' if busy else 'alone'}, switch interval {interval * 1000:g} ms"
            result[name] = run_case(busy, interval, args.timeout)  # None: not done within --timeout
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v} s" for k, v in result.items()))


if __name__ == "__main__":
    main()
