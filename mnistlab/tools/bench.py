"""Side-by-side benchmarks: ours and the reference in the same run, as ratios.

``python -m mnistlab bench knn --json`` and ``python -m mnistlab bench train --json``.
Times are medians of several repeats; this machine is shared and noisy.
"""

from __future__ import annotations

import resource
import statistics
from collections.abc import Callable

import numpy as np

from mnistlab.course.notebook_loop import bench_train, timed
from mnistlab.data import datasets, problems
from mnistlab.data.sources import Progress, quiet
from mnistlab.models import knn, metrics


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_matmul(Xte: np.ndarray, Xtr: np.ndarray, device: str) -> Callable[[], object]:
    """One float32 product of the whole problem, as full precision as the device does it (no TF32)."""
    if device == "cpu":
        return lambda: Xte @ Xtr.T
    import torch

    from mnistlab.models import devices

    dev = devices.resolve_device(device)
    a, b = torch.from_numpy(Xte).to(dev), torch.from_numpy(Xtr).to(dev)

    def product():
        torch.backends.cuda.matmul.allow_tf32 = False
        out = a @ b.T
        devices.synchronize(dev)
        return out

    return product


def bench_knn(
    ds: datasets.Dataset,
    repeats: int = 3,
    k: int = 1,
    device: str = "cpu",
    first_pass: str = "auto",
    progress: Progress = quiet,
) -> dict:
    """The full 10,000 x 60,000 1-NN problem: mnistlab's k-NN (on ``device``), scikit-learn's brute force
    (CPU), one bare float32 matmul (on ``device``)."""
    import torch

    from mnistlab.models import devices

    dev = devices.resolve_device(device)
    split = problems.ten_classes(problems.full_split(ds))
    Xtr, Xte = split.X_train, split.X_test
    ours_model = knn.ExactKNN(k, device=device, first_pass=first_pass)

    def ours():
        pred = ours_model.fit(Xtr, split.y_train).predict(Xte)
        devices.synchronize(dev)
        return pred

    if dev.type != "cpu":  # kernels and allocator warm up once per process; not what a page waits for
        ours()
    matmul = bare_matmul(Xte, Xtr, device)
    rss_before = peak_rss_mb()
    ours_times, ref_times, matmul_times = [], [], []
    ours_pred = ref_pred = None
    for r in range(repeats):
        progress(f"repeat {r + 1}/{repeats}: mnistlab on {device}", r / repeats)
        t, ours_pred = timed(ours)
        ours_times.append(t)
        if r == 0:  # before the reference and the bare matmul (2.3 GB) raise the high-water mark
            peak_ours = peak_rss_mb()
        progress(f"repeat {r + 1}/{repeats}: scikit-learn", (r + 0.4) / repeats)
        t, ref_pred = timed(lambda: knn.sklearn_knn(k).fit(Xtr, split.y_train).predict(Xte))
        ref_times.append(t)
        progress(f"repeat {r + 1}/{repeats}: bare float32 matmul on {device}", (r + 0.8) / repeats)
        matmul_times.append(timed(matmul)[0])
    ours_s, ref_s, mm_s = (statistics.median(x) for x in (ours_times, ref_times, matmul_times))
    return {
        "problem": f"{len(Xte)} x {len(Xtr)} x {Xtr.shape[1]}, k={k}, float32 input for both",
        "device": str(dev),
        "first_pass": str(ours_model.dtype_).removeprefix("torch."),
        # the principal directions of the cheaper pass ahead of the full one (0: none)
        "projected_dims": ours_model.projected_dims(),
        "cpu_threads": torch.get_num_threads(),
        "repeats": repeats,
        "ours_s": round(ours_s, 4),
        "sklearn_s": round(ref_s, 3),
        "matmul_s": round(mm_s, 4),
        "ratio": round(ref_s / ours_s, 2),
        "ours_vs_matmul": round(ours_s / mm_s, 2),
        "ours_runs_s": [round(t, 4) for t in ours_times],
        "sklearn_runs_s": [round(t, 3) for t in ref_times],
        "matmul_runs_s": [round(t, 4) for t in matmul_times],
        "peak_mb": round(peak_ours, 1),
        "peak_growth_mb": round(peak_ours - rss_before, 1),
        "full_distance_matrix_mb": round(len(Xte) * len(Xtr) * 4 / 2**20, 1),
        "agreement": float(np.mean(ours_pred == ref_pred)),
        "test_error_pct": metrics.error_pct(split.y_test, np.asarray(ours_pred)),
    }


BENCHES: dict[str, Callable[..., dict]] = {"knn": bench_knn}


BENCHES["train"] = bench_train
