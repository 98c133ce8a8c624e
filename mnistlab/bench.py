"""Side-by-side benchmarks: ours and the reference in the same run, as ratios.

``python -m mnistlab bench knn --json`` and ``python -m mnistlab bench train --json``.
Times are medians of several repeats; this machine is shared and noisy.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

import numpy as np

from mnistlab import data, knn
from mnistlab.sources import Progress, quiet


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def bench_knn(ds: data.Dataset, repeats: int = 3, k: int = 1, progress: Progress = quiet) -> dict:
    """The full 10,000 x 60,000 1-NN problem: mnistlab's k-NN, scikit-learn's brute force, one bare matmul."""
    split = data.scale(data.train_test(ds.X, ds.y), dtype=np.float32)
    Xtr, Xte = split.X_train, split.X_test
    rss_before = peak_rss_mb()
    ours_times, ref_times, matmul_times = [], [], []
    ours_pred = ref_pred = None
    for r in range(repeats):
        progress(f"repeat {r + 1}/{repeats}: mnistlab", r / repeats)
        t, ours_pred = timed(lambda: knn.ExactKNN(k).fit(Xtr, split.y_train).predict(Xte))
        ours_times.append(t)
        if r == 0:  # before the reference and the bare matmul (2.3 GB) raise the high-water mark
            peak_ours = peak_rss_mb()
        progress(f"repeat {r + 1}/{repeats}: scikit-learn", (r + 0.4) / repeats)
        t, ref_pred = timed(lambda: knn.sklearn_knn(k).fit(Xtr, split.y_train).predict(Xte))
        ref_times.append(t)
        progress(f"repeat {r + 1}/{repeats}: bare float32 matmul", (r + 0.8) / repeats)
        matmul_times.append(timed(lambda: Xte @ Xtr.T)[0])
    ours_s, ref_s, mm_s = (statistics.median(x) for x in (ours_times, ref_times, matmul_times))
    return {
        "problem": f"{len(Xte)} x {len(Xtr)} x {Xtr.shape[1]}, k={k}, float32 input for both",
        "repeats": repeats,
        "ours_s": round(ours_s, 3), "sklearn_s": round(ref_s, 3), "matmul_s": round(mm_s, 3),
        "ratio": round(ref_s / ours_s, 2), "ours_vs_matmul": round(ours_s / mm_s, 2),
        "ours_runs_s": [round(t, 3) for t in ours_times], "sklearn_runs_s": [round(t, 3) for t in ref_times],
        "peak_mb": round(peak_ours, 1), "peak_growth_mb": round(peak_ours - rss_before, 1),
        "full_distance_matrix_mb": round(len(Xte) * len(Xtr) * 4 / 2**20, 1),
        "agreement": float(np.mean(ours_pred == ref_pred)),
        "test_error_pct": float(100 * np.mean(ours_pred != split.y_test)),
    }


BENCHES: dict[str, Callable[..., dict]] = {"knn": bench_knn}
