"""Exact k-nearest neighbours as chunked matrix products, with a certified fast first pass.

Squared distances rank like ||x||^2 - 2 q.x (||q||^2 is constant per query). For each chunk of
queries that score comes out of ONE matrix product: the training side carries -2x plus its squared
norm (split into two bfloat16 parts, so it is kept almost exactly) and the query side carries two
ones, so no pass over the score block is spent converting or adding. The product is bfloat16 where
the CPU has AVX512-BF16 (or on a GPU), float32 elsewhere; data is centred on the training mean
(distances do not change; rounding errors shrink). ``score_error_bound`` bounds how far any
rounded score can be from the true one; the best candidates are re-ranked with exact float64
distances, and every training point whose score could still beat the k-th exact distance within
that bound is checked exactly too. The result is exact: predictions match scikit-learn's brute
force except where two training points are at exactly the same distance (tie order is unspecified
in both). Memory is bounded by ``chunk_mb`` per chunk. Everything runs in torch on ``device``.

Ahead of a float32 full pass (a CPU without AVX512-BF16) a cheaper pass ranks first: each point
becomes its coordinates on 96 principal directions plus the length of what is left, and the
distance between two such vectors is a lower bound on the true one, so the same contender test
stays exact; the queries it cannot settle go on to the full pass.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier

from mnistlab.models import metrics

RERANK_EXTRA = 8  # candidates beyond k that are re-ranked exactly in every case
RERANK_EXTRA_PROJECTED = 24  # a projected first pass ranks less sharply: more are re-ranked
PROJECTED_DIMS = 96  # "auto": a first pass on 96 principal directions of 784 (plus the residual)
PROJECTED_MIN_SHARE = 0.5  # of the variance, below which a projection is not worth a pass
UNIT_ROUNDOFF = {torch.bfloat16: 2.0**-8, torch.float32: 2.0**-24}
FIRST_PASSES = ("auto", "bfloat16", "float32")


@functools.cache
def cpu_has_bf16() -> bool:
    """AVX512-BF16 or AMX: without them a bfloat16 product is emulated and slower than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux: ask oneDNN
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    return "avx512_bf16" in flags or "amx_bf16" in flags


def first_pass_dtype(first_pass: str, device: torch.device) -> torch.dtype:
    if first_pass not in FIRST_PASSES:
        raise ValueError(f"first_pass must be one of {FIRST_PASSES}, not {first_pass!r}")
    if first_pass == "auto":
        fast = device.type in ("cuda", "mps") or (device.type == "cpu" and cpu_has_bf16())
        return torch.bfloat16 if fast else torch.float32
    return torch.bfloat16 if first_pass == "bfloat16" else torch.float32


def score_error_bound(q_norm: torch.Tensor, max_norm: float, dim: int, dtype: torch.dtype) -> torch.Tensor:
    """Largest possible error of a score BEFORE its final rounding, for queries of norm ``q_norm``.

    Inputs rounded to ``dtype`` (u each, plus the float32 centring) move the product 2 q.x by at
    most 2 (2u + u^2) |q| |x|; the norm's two-part split leaves u^2 ||x||^2; float32 accumulation
    of dim + 2 terms adds (dim + 2) u32 times their absolute sum. The final rounding (relative to
    the rounded score itself) is handled by ``contender_threshold``. A 10 % margin covers the
    float64 terms.
    """
    u, u32 = UNIT_ROUNDOFF[dtype] + 2.0**-24, 2.0**-24
    qx, xx = 2 * q_norm * max_norm, max_norm**2
    acc = (dim + 2) * u32 * (qx * (1 + u) ** 2 + xx * (1 + u))
    return 1.1 * (qx * (2 * u + u * u) + u * u * xx + acc) + 1e-9 * (1 + xx)


def contender_threshold(limit: torch.Tensor, bound: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """The largest rounded score t whose true score could be <= ``limit``.

    The true score is at least t - bound - u |t| (rounding to nearest is off by u of the result),
    so t - u |t| <= limit + bound, solved for t on either side of zero.
    """
    u = UNIT_ROUNDOFF[dtype]
    edge = limit + bound
    return torch.where(edge >= 0, edge / (1 - u), edge / (1 + u))


@contextlib.contextmanager
def float32_accumulation(device: torch.device):
    """cuBLAS may otherwise sum bfloat16 products in bfloat16 (split-K), beyond what the bound allows."""
    if device.type != "cuda":
        yield
        return
    matmul = torch.backends.cuda.matmul
    before = matmul.allow_bf16_reduced_precision_reduction, matmul.allow_tf32
    matmul.allow_bf16_reduced_precision_reduction, matmul.allow_tf32 = False, False
    try:
        yield
    finally:
        matmul.allow_bf16_reduced_precision_reduction, matmul.allow_tf32 = before


def projection_basis(train: torch.Tensor, mean: torch.Tensor, dims: int) -> torch.Tensor | None:
    """``dims`` orthonormal principal directions (float64) from an even sample of the training set.

    None where a projection would not pay: too few dimensions to save, or directions that hold less
    than half of the variance (then the bound is loose and most queries would need the full pass).
    The covariance is summed in float32 (it only chooses directions); the eigenvectors of the
    float64 matrix are orthonormal to ~1e-15, far inside the bound's margin.
    """
    if dims <= 0 or 2 * (dims + 1) > train.shape[1] or len(train) < 4 * dims:
        return None
    sample = train[:: max(1, len(train) // 10000)] - mean
    values, vectors = torch.linalg.eigh((sample.T @ sample).double())
    if values[-dims:].sum() < PROJECTED_MIN_SHARE * values.sum():
        return None
    return vectors[:, -dims:].flip(1).contiguous()


def first_pass_features(points: torch.Tensor, mean: torch.Tensor, basis: torch.Tensor | None) -> torch.Tensor:
    """What a first pass compares: the centred points, or their projection plus residual length.

    Projected, a point x becomes (P'x, |x - PP'x|) for an orthonormal basis P, and the squared
    distance between two such vectors is |P'(x - q)|^2 + (|r_x| - |r_q|)^2 <= |x - q|^2 (the
    residuals' difference is at least the difference of their lengths): a lower bound, so every
    point that could be nearer than the k-th exact distance still passes the contender test.
    Projected features are float64; centred points float32 (the bound covers that rounding).
    """
    if basis is None:  # float32 points centred in float32, float64 queries in float64, then rounded
        return (points - mean.to(points.dtype)).float()
    centred = points.double() - mean.double()  # exact for float32 points; float64 queries stay float64
    z = centred @ basis
    residual_sq = (centred**2).sum(1) - (z**2).sum(1)
    return torch.cat([z, residual_sq.clamp_min(0).sqrt()[:, None]], 1)


@dataclass
class FirstPass:
    """Scores |f(x)|^2 - 2 f(q).f(x) for every training point from ONE product per chunk of queries.

    The training side carries -2 f(x) plus |f(x)|^2 split into two parts (kept almost exactly), the
    query side two ones. ``extra``: candidates beyond k re-ranked exactly in every case.
    """

    scorer: torch.Tensor
    max_norm: float
    basis: torch.Tensor | None
    extra: int

    @classmethod
    def build(cls, train: torch.Tensor, mean: torch.Tensor, basis, dtype: torch.dtype, extra: int):
        n = len(train)
        width = train.shape[1] if basis is None else basis.shape[1] + 1
        scorer = torch.empty(n, width + 2, dtype=dtype, device=train.device)
        sq_norms = torch.empty(n, dtype=torch.float64, device=train.device)
        for s in range(0, n, 8192):  # in blocks: no float64 copy of the whole training set
            features = first_pass_features(train[s : s + 8192], mean, basis)
            wide = features.double()
            sq_norms[s : s + 8192] = (wide * wide).sum(1)
            scorer[s : s + 8192, :width] = -2 * features
        hi = sq_norms.to(dtype)
        scorer[:, width] = hi
        scorer[:, width + 1] = (sq_norms - hi.double()).to(dtype)
        return cls(scorer, float(sq_norms.max()) ** 0.5 if n else 0.0, basis, extra)

    def scores(self, q64: torch.Tensor, mean: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(scores, |f(q)|^2 in float64): a score plus |f(q)|^2 is the squared distance of the features."""
        features = first_pass_features(q64, mean, self.basis)
        ones = torch.ones(len(q64), 2, dtype=self.scorer.dtype, device=q64.device)
        with float32_accumulation(q64.device):
            scores = torch.mm(torch.cat([features.to(self.scorer.dtype), ones], 1), self.scorer.T)
        # Centred points: the norm of the float32 query that went into the product, as before.
        return scores, (features.double() ** 2).sum(1)


class ExactKNN(ClassifierMixin, BaseEstimator):
    """A scikit-learn classifier (fit / predict / predict_proba / get_params / clone), exact like brute force.

    ``device``: a torch device ("cpu", "cuda"); ``first_pass``: "auto" (bfloat16 where the hardware
    has it), "bfloat16" or "float32"; ``chunk_mb``: the score block per chunk (None: 64 MB on the
    CPU, 2 GB on a GPU, where bigger blocks mean fewer launches); ``project_dims``: the principal
    directions of a cheaper first pass ahead of the full one ("auto": PROJECTED_DIMS; 0: none). The queries it
    cannot settle (its bound is looser) go on to the full-width pass.
    """

    # Its probabilities are vote shares: often exactly 0 for the true class, so a NLL is infinite
    # and not worth showing (see classic.evaluate).
    proba_are_votes = True

    def __init__(
        self,
        n_neighbors: int = 1,
        chunk_mb: float | None = None,
        device: str = "cpu",
        first_pass: str = "auto",
        project_dims: int | str = "auto",
    ):
        self.n_neighbors = n_neighbors
        self.chunk_mb = chunk_mb
        self.device = device
        self.first_pass = first_pass
        self.project_dims = project_dims

    def fit(self, X: np.ndarray, y: np.ndarray) -> ExactKNN:
        dev = torch.device(self.device)
        self.dtype_ = first_pass_dtype(self.first_pass, dev)
        # One float32 copy that torch owns (the caller's array may be read-only); the re-rank reads it.
        self.train_ = torch.tensor(np.asarray(X, dtype=np.float32), device=dev)
        self.X_ = self.train_.numpy() if dev.type == "cpu" else self.train_.cpu().numpy()
        self.y_ = np.asarray(y)
        self.classes_ = np.unique(self.y_)
        # float32 mean: shifting every point by the same rounded vector changes no distance.
        self.mean_ = self.X_.mean(axis=0, dtype=np.float64).astype(np.float32)
        mean = torch.from_numpy(self.mean_).to(dev)
        # "auto": only ahead of a float32 full pass on a CPU; a bfloat16 product (AVX512-BF16, GPUs) is
        # as fast as the smaller float32 one and settles every query itself.
        auto = PROJECTED_DIMS if self.dtype_ == torch.float32 and dev.type == "cpu" else 0
        dims = auto if self.project_dims == "auto" else int(self.project_dims)
        basis = projection_basis(self.train_, mean, dims)
        self.passes_ = [FirstPass.build(self.train_, mean, None, self.dtype_, RERANK_EXTRA)]
        if basis is not None:  # the cheap pass first; the full one settles what it cannot
            self.passes_.insert(
                0, FirstPass.build(self.train_, mean, basis, torch.float32, RERANK_EXTRA_PROJECTED)
            )
        return self

    def projected_dims(self) -> int:
        """The principal directions of the projected first pass; 0 when there is none."""
        basis = self.passes_[0].basis
        return 0 if basis is None else int(basis.shape[1])

    def chunk_rows(self) -> int:
        """Queries per chunk so that one chunk's score block stays within chunk_mb."""
        default = 64.0 if torch.device(self.device).type == "cpu" else 2048.0
        return max(1, int((self.chunk_mb or default) * 2**20 // (4 * len(self.X_))))

    def kneighbors(self, Q: np.ndarray, n_neighbors: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(distances, indices), each (n_queries, k), nearest first; Euclidean distances."""
        k = min(n_neighbors or self.n_neighbors, len(self.X_))
        Q = np.asarray(Q)
        dist, idx = [], []
        rows = self.chunk_rows()
        for start in range(0, len(Q), rows):  # float64 queries one chunk at a time: bounded memory
            q64 = torch.tensor(
                np.asarray(Q[start : start + rows], dtype=np.float64), device=self.train_.device
            )
            d, i = self._nearest(q64, k)
            dist.append(d.clamp_min(0).sqrt())
            idx.append(i)
        if not dist:
            return np.empty((0, k)), np.empty((0, k), dtype=np.intp)
        return torch.cat(dist).cpu().numpy(), torch.cat(idx).cpu().numpy().astype(np.intp)

    def _nearest(self, q64: torch.Tensor, k: int, level: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
        """(exact squared distances, indices) of the k nearest, nearest first, by first pass ``level``."""
        first = self.passes_[level]
        n_train = len(self.X_)
        m = min(k + first.extra, n_train - 1)
        mean = torch.from_numpy(self.mean_).to(q64.device)
        scores, q_sq = first.scores(q64, mean)
        if m + 1 >= n_train:  # a tiny training set: check every point exactly
            cand = torch.arange(n_train, device=q64.device).expand(len(q64), n_train).clone()
            next_score = torch.full((len(q64),), float("inf"), dtype=torch.float64, device=q64.device)
        else:  # one more than re-ranked: its score tells whether anything beyond the m could still win
            top = torch.topk(scores, m + 1, dim=1, largest=False)
            cand, next_score = top.indices[:, :m].clone(), top.values[:, m].double()
        exact = self._exact_sq(q64, cand)
        kth = torch.kthvalue(exact, k, dim=1).values
        bound = score_error_bound(q_sq.sqrt(), first.max_norm, first.scorer.shape[1] - 2, first.scorer.dtype)
        threshold = contender_threshold(kth - q_sq, bound, first.scorer.dtype)
        contested = torch.nonzero(next_score <= threshold).ravel()
        settled_later = len(contested) and level + 1 < len(self.passes_)
        if len(contested) and not settled_later:  # rare: more contenders than re-ranked
            cand[contested], exact[contested] = self._every_contender(
                q64[contested], scores[contested], threshold[contested], m
            )
        order = torch.argsort(exact, dim=1, stable=True)[:, :k]
        nearest, indices = torch.take_along_dim(exact, order, dim=1), torch.take_along_dim(cand, order, dim=1)
        if settled_later:
            del scores  # the next pass needs its own score block
            nearest[contested], indices[contested] = self._nearest(q64[contested], k, level + 1)
        return nearest, indices

    def _every_contender(
        self, q64: torch.Tensor, scores: torch.Tensor, threshold: torch.Tensor, m: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The m exactly nearest among every point under each row's threshold (a superset of its top m)."""
        # float32 holds every bfloat16 score exactly; the threshold is rounded up, never down.
        limit = torch.nextafter(threshold.float(), torch.tensor(float("inf"), device=threshold.device))
        rows, cols = torch.nonzero(scores.float() <= limit[:, None], as_tuple=True)
        counts = torch.bincount(rows, minlength=len(scores))
        starts = torch.cumsum(counts, 0) - counts
        padded = torch.zeros(len(scores), int(counts.max()), dtype=torch.long, device=scores.device)
        padded[rows, torch.arange(len(rows), device=rows.device) - starts[rows]] = cols
        exact = self._exact_sq(q64, padded)
        exact[torch.arange(padded.shape[1], device=rows.device)[None, :] >= counts[:, None]] = float("inf")
        best = torch.argsort(exact, dim=1, stable=True)[:, :m]
        return torch.take_along_dim(padded, best, dim=1), torch.take_along_dim(exact, best, dim=1)

    def _exact_sq(self, q64: torch.Tensor, cand: torch.Tensor, budget: int = 2**22) -> torch.Tensor:
        """Exact squared distances to each query's candidates, in blocks of about ``budget`` float64s."""
        out = torch.empty(cand.shape, dtype=torch.float64, device=q64.device)
        rows = max(1, budget // max(1, cand.shape[1] * self.X_.shape[1]))
        for s in range(0, len(cand), rows):
            block = cand[s : s + rows]
            # index_select and in-place arithmetic: several times faster than fancy indexing + einsum
            diff = torch.index_select(self.train_, 0, block.ravel()).view(*block.shape, -1).double()
            diff.sub_(q64[s : s + rows, None, :])
            out[s : s + rows] = diff.mul_(diff).sum(-1)
        return out

    def predict_proba(self, Q: np.ndarray) -> np.ndarray:
        _, idx = self.kneighbors(Q)
        labels = np.searchsorted(self.classes_, self.y_[idx])
        counts = np.zeros((len(Q), len(self.classes_)))
        np.add.at(counts, (np.arange(len(Q))[:, None], labels), 1)
        return counts / idx.shape[1]

    def predict(self, Q: np.ndarray) -> np.ndarray:
        # argmax takes the first of tied votes: the smallest label, as scikit-learn does.
        return self.classes_[np.argmax(self.predict_proba(Q), axis=1)]


def votes_for_every_k(
    neighbour_labels: np.ndarray, ks: Sequence[int], n_classes: int
) -> dict[int, np.ndarray]:
    """Predictions for several K from one neighbour list (nearest first): one search serves a CV curve."""
    out = {}
    counts = np.zeros((len(neighbour_labels), n_classes))
    rows = np.arange(len(neighbour_labels))
    for j in range(max(ks)):
        counts[rows, neighbour_labels[:, j]] += 1
        if j + 1 in ks:
            out[j + 1] = np.argmax(counts, axis=1)
    return out


def sklearn_knn(n_neighbors: int = 1) -> KNeighborsClassifier:
    """The reference: scikit-learn's exact brute force."""
    return KNeighborsClassifier(n_neighbors=n_neighbors, algorithm="brute")


class Classifier(Protocol):
    """What the timing curves need of a back-end: scikit-learn's fit and predict."""

    def fit(self, X: np.ndarray, y: np.ndarray) -> Any: ...

    def predict(self, Q: np.ndarray) -> np.ndarray: ...


BACKENDS: dict[str, Callable[[int], Classifier]] = {"mnistlab": ExactKNN, "scikit-learn": sklearn_knn}
if torch.cuda.is_available():  # the timing curves' third back-end, only where there is a GPU
    BACKENDS["mnistlab on GPU"] = functools.partial(ExactKNN, device="cuda")


@dataclass(frozen=True)
class TimingPoint:
    backend: str
    n_train: int
    k: int
    fit_s: float
    predict_s: float
    test_error_pct: float


def timing_point(backend: str, n_train: int, k: int, X_train, y_train, X_test, y_test) -> TimingPoint:
    """Exercise 3.2 for one training size: fit on the first n_train digits, classify the whole test set."""
    model = BACKENDS[backend](k)
    start = time.perf_counter()
    model.fit(X_train[:n_train], y_train[:n_train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = model.predict(X_test)
    predict_s = time.perf_counter() - start
    return TimingPoint(backend, n_train, k, fit_s, predict_s, metrics.error_pct(y_test, pred))


TRAIN_SIZES = (250, 500, 1000, 2000, 5000, 10000, 25000, 60000)


QUERY_BLOCK = 500  # validation images searched between two looks at the stop flag (~0.2 s each)


def cv_curve(
    X: np.ndarray,
    y: np.ndarray,
    ks: Sequence[int],
    folds: int = 5,
    on_fold: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    query_block: int = QUERY_BLOCK,
) -> dict[int, float] | None:
    """Mean 5-fold CV error (%) for every K from one neighbour search per fold (GridSearchCV's folds).

    The search runs in blocks of ``query_block`` queries, so a Stop does not wait for a whole fold;
    a stopped curve is None (a curve over some folds only would not be a CV error)."""
    from sklearn.model_selection import StratifiedKFold

    classes, labels = np.unique(y, return_inverse=True)
    errors: dict[int, list[float]] = {k: [] for k in ks}
    for i, (tr, va) in enumerate(StratifiedKFold(folds).split(X, labels)):
        index = ExactKNN(max(ks)).fit(X[tr], labels[tr])
        neighbours = []
        for s in range(0, len(va), query_block):
            if should_stop():
                return None
            neighbours.append(index.kneighbors(X[va[s : s + query_block]])[1])
        idx = np.concatenate(neighbours)
        for k, pred in votes_for_every_k(labels[tr][idx], ks, len(classes)).items():
            errors[k].append(metrics.error_pct(labels[va], pred))
        if on_fold:
            on_fold(i + 1, folds)
    return {k: float(np.mean(v)) for k, v in errors.items()}


def speedup_rows(points: Sequence[TimingPoint]) -> list[dict]:
    """One row per training size timed by both mnistlab and scikit-learn: errors, times, speed-up."""
    by = {(p.n_train, p.backend): p for p in points}
    rows = []
    for n in sorted({p.n_train for p in points}):
        ours, ref = by.get((n, "mnistlab")), by.get((n, "scikit-learn"))
        if ours is None or ref is None:
            continue
        rows.append(
            {
                "training images": n,
                "test error (%)": round(ours.test_error_pct, 2),
                "mnistlab test time (s)": round(ours.predict_s, 3),
                "scikit-learn test time (s)": round(ref.predict_s, 3),
                "speed-up (x)": round(ref.predict_s / ours.predict_s, 2),
            }
        )
    return rows
