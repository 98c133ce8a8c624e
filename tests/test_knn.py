"""Our exact k-NN against scikit-learn's brute force; the chunking's memory bound."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnistlab.models import knn
from tests.conftest import scaled_slice


@pytest.fixture(scope="module")
def slices(mnist_split):
    scaled = scaled_slice(mnist_split, 3000, 500)
    return scaled


@pytest.mark.parametrize("k", [1, 3])
def test_predictions_match_sklearn_brute_force(slices, k):
    ours = knn.ExactKNN(k, chunk_mb=1).fit(slices.X_train, slices.y_train)
    ref = knn.sklearn_knn(k).fit(slices.X_train, slices.y_train)
    np.testing.assert_array_equal(ours.predict(slices.X_test), ref.predict(slices.X_test))
    d_ours, i_ours = ours.kneighbors(slices.X_test)
    d_ref, i_ref = ref.kneighbors(slices.X_test)
    np.testing.assert_allclose(d_ours, d_ref, rtol=1e-5)
    # Indices agree wherever the distances are not tied.
    untied = np.ones(len(d_ref), bool) if k == 1 else np.all(np.diff(d_ref, axis=1) > 1e-9, axis=1)
    np.testing.assert_array_equal(i_ours[untied], i_ref[untied])


def test_exact_ties_are_broken_like_sklearn_votes():
    # Two training points at the same distance from the query, labels 1 and 0: a 2-NN vote ties,
    # and both implementations pick the smallest label.
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [5.0, 5.0]], dtype=np.float32)
    y = np.array([1, 0, 1])
    q = np.zeros((1, 2), dtype=np.float32)
    assert knn.ExactKNN(2).fit(X, y).predict(q)[0] == knn.sklearn_knn(2).fit(X, y).predict(q)[0] == 0


MEMORY_PROBE = """
import resource, sys, numpy as np
from mnistlab.models import knn
rng = np.random.default_rng(0)
X = rng.random((4000, 784), dtype=np.float32); y = rng.integers(0, 10, 4000)
Q = rng.random((20000, 784), dtype=np.float32)
model = knn.ExactKNN(1, chunk_mb=8).fit(X, y)
model.predict(Q[:100])  # warm up the libraries' own buffers
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model.predict(Q)
print(model.chunk_rows(), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def test_memory_stays_bounded_by_the_chunk():
    """20,000 x 4,000 queries: the full float32 distance matrix would be 305 MB."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.split()
    rows, growth = int(out[0]), int(out[1])
    full_matrix = 20000 * 4000 * 4
    assert rows < 20000
    assert growth < full_matrix / 5, (
        f"peak grew by {growth / 2**20:.0f} MB; full matrix {full_matrix / 2**20:.0f} MB"
    )


def test_tiny_training_sets():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0]], dtype=np.float32)
    for n in (1, 2, 3):
        for k in range(1, n + 1):
            ours = knn.ExactKNN(k).fit(X[:n], np.arange(n))
            ref = knn.sklearn_knn(k).fit(X[:n], np.arange(n))
            q = np.array([[0.9, 0.8], [2.5, 2.0]], dtype=np.float32)
            np.testing.assert_array_equal(ours.predict(q), ref.predict(q))


def test_votes_for_every_k_match_separate_fits(slices):
    model = knn.ExactKNN(7).fit(slices.X_train, slices.y_train)
    _, idx = model.kneighbors(slices.X_test[:200])
    by_k = knn.votes_for_every_k(slices.y_train[idx], [1, 3, 7], 10)
    for k in (1, 3, 7):
        np.testing.assert_array_equal(
            by_k[k], knn.ExactKNN(k).fit(slices.X_train, slices.y_train).predict(slices.X_test[:200])
        )


def test_timing_point_fields(slices):
    point = knn.timing_point("mnistlab", 500, 1, slices.X_train, slices.y_train, slices.X_test, slices.y_test)
    assert point.n_train == 500 and point.fit_s >= 0 and point.predict_s > 0
    assert 0 < point.test_error_pct < 40


def test_speedup_rows_pair_the_two_back_ends_by_size():
    def point(backend, n, predict_s):
        return knn.TimingPoint(
            backend=backend, n_train=n, k=1, fit_s=0.0, predict_s=predict_s, test_error_pct=5.0
        )

    rows = knn.speedup_rows(
        [point("mnistlab", 500, 0.5), point("scikit-learn", 500, 2.0), point("mnistlab", 250, 1.0)]
    )  # 250 has no scikit-learn time yet
    assert [r["training images"] for r in rows] == [500] and rows[0]["speed-up (x)"] == 4.0
