"""load_dataset's order of sources, verification and cache, on small fixtures; the recipe."""

import hashlib

import numpy as np
import pytest

from mnistlab.data import datasets, problems
from mnistlab.data.sources import SourceUnavailable
from tests.conftest import random_digits

N = 40


@pytest.fixture
def small():
    X, y = random_digits(N)
    spec = datasets.DatasetSpec(
        "small",
        "small fixture",
        datasets.DIGIT_NAMES,
        n_samples=N,
        sha256_X=hashlib.sha256(X.tobytes()).hexdigest(),
        sha256_y=hashlib.sha256(y.tobytes()).hexdigest(),
        fix_hint="fix it like this",
    )
    return spec, X, y


def fetcher_of(X, y, calls):
    def fetch(progress):
        calls.append(1)
        return X.copy(), y.copy()

    return datasets.Fetcher("fixture source", fetch)


def failing(label):
    def fetch(progress):
        raise SourceUnavailable(f"{label} is down")

    return datasets.Fetcher(label, fetch)


def test_first_working_source_wins_and_is_cached(tmp_path, small):
    spec, X, y = small
    calls = []
    ds = datasets.load_dataset(spec, cache=tmp_path, fetchers=[failing("first"), fetcher_of(X, y, calls)])
    assert ds.source == "fixture source" and calls == [1]
    np.testing.assert_array_equal(ds.X, X)
    assert not ds.X.flags.writeable
    again = datasets.load_dataset(spec, cache=tmp_path, fetchers=[fetcher_of(X, y, calls)])
    assert again.source.startswith("cache") and calls == [1]


def test_user_path_comes_first(tmp_path, small):
    spec, X, y = small
    np.savez(tmp_path / "mine.npz", X=X, y=y)
    calls = []
    ds = datasets.load_dataset(
        spec, data_path=tmp_path / "mine.npz", cache=tmp_path / "c", fetchers=[fetcher_of(X, y, calls)]
    )
    assert ds.source.startswith("file") and calls == []


def test_digest_mismatch_is_a_clear_error(tmp_path, small):
    spec, X, y = small
    tampered = X.copy()
    tampered[0, 0] ^= 1
    with pytest.raises(datasets.DataUnavailable) as info:
        datasets.load_dataset(spec, cache=tmp_path, fetchers=[fetcher_of(tampered, y, [])])
    message = str(info.value)
    assert "sha256 of X does not match" in message and "fix it like this" in message
    assert not datasets.cache_file(spec, tmp_path).exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other data"])
def test_damaged_cache_is_detected_and_fetched_again(tmp_path, small, damage):
    spec, X, y = small
    datasets.load_dataset(spec, cache=tmp_path, fetchers=[fetcher_of(X, y, [])])
    path = datasets.cache_file(spec, tmp_path)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00" * 100)
    else:
        datasets.write_cache(path, X[::-1].copy(), y, "wrong")
    notes, calls = [], []
    ds = datasets.load_dataset(
        spec,
        cache=tmp_path,
        fetchers=[fetcher_of(X, y, calls)],
        progress=lambda message, fraction=None: notes.append(message),
    )
    assert calls == [1] and ds.source == "fixture source"
    assert any("damaged" in n for n in notes)
    np.testing.assert_array_equal(datasets.read_cache(path)[0], X)


def test_every_source_failing_lists_attempts_and_fix(tmp_path, small):
    spec, _, _ = small
    with pytest.raises(datasets.DataUnavailable) as info:
        datasets.load_dataset(
            spec,
            data_path=tmp_path / "missing.npz",
            cache=tmp_path,
            fetchers=[failing("mirror A"), failing("mirror B")],
        )
    message = str(info.value)
    for expected in (
        "missing.npz does not exist",
        "mirror A is down",
        "mirror B is down",
        "How to fix: fix it",
    ):
        assert expected in message


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path / "c"))
    assert datasets.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MNISTLAB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert datasets.cache_dir() == tmp_path / "x" / "mnistlab"


def test_binary_problem_relabels_and_keeps_only_the_pair():
    X, y = random_digits(200, seed=3)
    split = problems.Split(X[:150], y[:150], X[150:], y[150:])
    binary = problems.binary_problem(split, (3, 8))
    assert set(np.unique(binary.y_train)) <= {0, 1}
    assert len(binary.y_train) == np.sum((y[:150] == 3) | (y[:150] == 8))
    np.testing.assert_array_equal(binary.X_train[binary.y_train == 1], X[:150][y[:150] == 8])
    with pytest.raises(ValueError):
        problems.binary_problem(split, (4, 4))


def test_scaling_is_fitted_on_training_data_only():
    X, y = random_digits(100, seed=4)
    split = problems.Split(X[:80], y[:80], X[80:], y[80:])
    scaled = problems.scale(split)
    assert scaled.X_train.min() >= -0.5 - 1e-12 and scaled.X_train.max() <= 0.5 + 1e-12
    # A test pixel brighter than any training pixel in that column lands above 0.5.
    col = int(np.argmin(X[:80].max(axis=0)))
    lo, hi = X[:80, col].min(), X[:80, col].max()
    expected = -0.5 + (X[80:, col].astype(float) - lo) / (hi - lo)
    np.testing.assert_allclose(scaled.X_test[:, col], expected)


@pytest.mark.parametrize(
    ("name", "variable"), [("mnist", "MNISTLAB_DATA"), ("fashion", "MNISTLAB_FASHION_DATA")]
)
def test_each_dataset_reads_its_own_environment_variable(tmp_path, monkeypatch, name, variable):
    from tests.test_sources import write_idx_folder

    X, y = random_digits(N, seed=5)
    (tmp_path / "idx").mkdir()
    write_idx_folder(tmp_path / "idx", X, y, n_train=30)
    spec = datasets.DatasetSpec(name, f"{name} fixture", datasets.DIGIT_NAMES, n_samples=N)
    for other in ("MNISTLAB_DATA", "MNISTLAB_FASHION_DATA"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(variable, str(tmp_path / "idx"))
    ds = datasets.load_dataset(spec, cache=tmp_path / "cache", fetchers=[])
    assert ds.source == f"file {tmp_path / 'idx'}"
    np.testing.assert_array_equal(ds.X, X)
    other = "fashion" if name == "mnist" else "mnist"
    other_spec = datasets.DatasetSpec(other, "other", datasets.DIGIT_NAMES, n_samples=N)
    with pytest.raises(datasets.DataUnavailable):  # the other dataset's variable is not read
        datasets.load_dataset(other_spec, cache=tmp_path / "cache", fetchers=[])
