"""The k-NN's first passes (bfloat16, float32, on a torch device) and the bound that keeps them exact."""

from pathlib import Path

import numpy as np
import pytest
import torch

from mnistlab.data import problems
from mnistlab.models import knn


@pytest.fixture(scope="module")
def slices(mnist_split):
    part = problems.Split(
        mnist_split.X_train[:2000],
        mnist_split.y_train[:2000],
        mnist_split.X_test[:200],
        mnist_split.y_test[:200],
    )
    return problems.scale(part, dtype=np.float32)


def assert_same_as_sklearn(model, split, k):
    ref = knn.sklearn_knn(k).fit(split.X_train, split.y_train)
    np.testing.assert_array_equal(model.predict(split.X_test), ref.predict(split.X_test))
    d_ours, i_ours = model.kneighbors(split.X_test)
    d_ref, i_ref = ref.kneighbors(split.X_test)
    np.testing.assert_allclose(d_ours, d_ref, rtol=1e-5)
    untied = np.all(np.diff(d_ref, axis=1) > 1e-9, axis=1) if k > 1 else np.ones(len(d_ref), bool)
    np.testing.assert_array_equal(i_ours[untied], i_ref[untied])


@pytest.mark.parametrize("first_pass", ["float32", "bfloat16"])
@pytest.mark.parametrize("k", [1, 4])
def test_each_first_pass_is_exact(slices, first_pass, k):
    model = knn.ExactKNN(k, chunk_mb=1, device="cpu", first_pass=first_pass)
    model.fit(slices.X_train, slices.y_train)
    assert model.dtype_ == {"float32": torch.float32, "bfloat16": torch.bfloat16}[first_pass]
    assert_same_as_sklearn(model, slices, k)


@pytest.mark.parametrize("first_pass", ["float32", "bfloat16"])
def test_exact_when_every_row_is_contested(slices, first_pass, monkeypatch):
    """Every training image twice and no spare candidates: the 4th score ties the 3rd in every row,
    so the check of every contender carries the result."""
    monkeypatch.setattr(knn, "RERANK_EXTRA", 0)
    calls = []
    original = knn.ExactKNN._every_contender
    monkeypatch.setattr(
        knn.ExactKNN,
        "_every_contender",
        lambda self, q, s, t, m: calls.append(len(q)) or original(self, q, s, t, m),
    )
    doubled = problems.Split(
        np.concatenate([slices.X_train] * 2),
        np.concatenate([slices.y_train] * 2),
        slices.X_test,
        slices.y_test,
    )
    model = knn.ExactKNN(3, chunk_mb=1, first_pass=first_pass, project_dims=0)
    model.fit(doubled.X_train, doubled.y_train)
    assert_same_as_sklearn(model, doubled, 3)
    assert sum(calls) == 2 * len(slices.X_test)  # every row, in predict and in kneighbors


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_score_error_bound_holds(dtype):
    """Rounded scores against float64 ones, on data with very different norms (the bound's worst case)."""
    rng = np.random.default_rng(1)
    X = (rng.standard_normal((2000, 784)) * rng.uniform(0.01, 3, (2000, 1))).astype(np.float32)
    Q = (rng.standard_normal((64, 784)) * rng.uniform(0.01, 3, (64, 1))).astype(np.float32)
    model = knn.ExactKNN(first_pass=str(dtype).removeprefix("torch."), project_dims=0).fit(X, np.zeros(2000))
    qc = (torch.from_numpy(Q).double() - torch.from_numpy(model.mean_).double()).float()
    rounded = torch.mm(
        torch.cat([qc.to(dtype), torch.ones(64, 2, dtype=dtype)], 1), model.passes_[-1].scorer.T
    ).double()
    mean = torch.from_numpy(model.mean_).double()
    xc = torch.from_numpy(X).double() - mean
    true = (xc**2).sum(1)[None, :] - 2 * (torch.from_numpy(Q).double() - mean) @ xc.T
    bound = knn.score_error_bound((qc.double() ** 2).sum(1).sqrt(), model.passes_[-1].max_norm, 784, dtype)[
        :, None
    ]
    allowed = bound + knn.UNIT_ROUNDOFF[dtype] * rounded.abs()
    assert torch.all((rounded - true).abs() <= allowed)
    # ... and not vacuous: within 100x (float32: 1000x, a worst case over 786 terms) of the worst error seen.
    assert float(((rounded - true).abs() / allowed).max()) > (0.01 if dtype == torch.bfloat16 else 0.001)


def test_first_pass_follows_the_cpu():
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    if flags:
        assert knn.cpu_has_bf16() == ("avx512_bf16" in flags or "amx_bf16" in flags)
    expected = torch.bfloat16 if knn.cpu_has_bf16() else torch.float32
    assert knn.first_pass_dtype("auto", torch.device("cpu")) == expected
    with pytest.raises(ValueError, match="first_pass"):
        knn.first_pass_dtype("float16", torch.device("cpu"))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
@pytest.mark.parametrize("k", [1, 4])
def test_cuda_is_exact(slices, k):
    model = knn.ExactKNN(k, device="cuda").fit(slices.X_train, slices.y_train)
    assert model.train_.device.type == "cuda" and model.dtype_ == torch.bfloat16
    assert_same_as_sklearn(model, slices, k)


@pytest.mark.parametrize("k", [1, 4])
def test_a_projected_first_pass_is_exact(slices, k):
    """64 principal directions plus the residual's length: a lower bound on every distance."""
    model = knn.ExactKNN(k, chunk_mb=1, first_pass="float32", project_dims=64).fit(
        slices.X_train, slices.y_train
    )
    assert (
        len(model.passes_) == 2 and model.passes_[0].basis.shape == (784, 64) and model.projected_dims() == 64
    )
    assert_same_as_sklearn(model, slices, k)


def test_the_projected_bound_never_exceeds_a_distance(slices):
    model = knn.ExactKNN(first_pass="float32", project_dims=16).fit(slices.X_train, slices.y_train)
    projected = model.passes_[0]
    mean = torch.from_numpy(model.mean_)
    q = torch.from_numpy(slices.X_test[:50]).double()
    fq = knn.first_pass_features(q, mean, projected.basis)
    fx = knn.first_pass_features(torch.from_numpy(slices.X_train), mean, projected.basis)
    lower = torch.cdist(fq, fx) ** 2
    true = torch.cdist(q, torch.from_numpy(slices.X_train).double()) ** 2
    assert torch.all(lower <= true + 1e-9) and float((lower / true.clamp_min(1e-12)).mean()) > 0.5


def test_rows_the_projected_pass_cannot_settle_go_to_the_full_pass(slices, monkeypatch):
    monkeypatch.setattr(knn, "RERANK_EXTRA_PROJECTED", 0)  # one candidate: nearly every row is contested
    levels = []
    original = knn.ExactKNN._nearest
    monkeypatch.setattr(
        knn.ExactKNN,
        "_nearest",
        lambda self, q, k, level=0: levels.append((level, len(q))) or original(self, q, k, level),
    )
    model = knn.ExactKNN(1, first_pass="float32", project_dims=64).fit(slices.X_train, slices.y_train)
    assert_same_as_sklearn(model, slices, 1)
    assert sum(n for level, n in levels if level == 1) > 0


def test_projection_only_where_it_pays():
    rng = np.random.default_rng(0)
    noise = rng.random((3000, 784), dtype=np.float32)  # no principal directions: no projected pass
    assert len(knn.ExactKNN(first_pass="float32", project_dims=64).fit(noise, np.zeros(3000)).passes_) == 1
    structured = noise[:, :40] @ rng.random((40, 784), dtype=np.float32)
    auto = knn.ExactKNN(first_pass="float32").fit(structured, np.zeros(3000))
    assert len(auto.passes_) == 2  # "auto" projects ahead of a float32 pass on a CPU...
    bf16 = knn.ExactKNN(first_pass="bfloat16").fit(structured, np.zeros(3000))
    assert len(bf16.passes_) == 1  # ... not ahead of a bfloat16 one, which is as fast
