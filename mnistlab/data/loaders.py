"""The digits every process shares: the dataset, its ten-class split, a binary problem and the
training tensors, each loaded once per process from the digest-checked cache (or MNISTLAB_DATA)
and kept, so the pages, the jobs and the command line read the same arrays."""

from __future__ import annotations

import functools
import threading

from mnistlab.data import datasets, problems

_load_lock = threading.RLock()  # re-entrant: one loader calls another


_loaded: list = []  # every loader's cache, for forget_loaded()


def forget_loaded() -> None:
    """Drop what this process loaded (a test that swaps the data source calls this)."""
    with _load_lock:
        for cached in _loaded:
            cached.cache_clear()


def _once(func):
    """lru_cache that also keeps two threads of one process from loading the same thing twice."""
    cached = functools.lru_cache(maxsize=4)(func)
    _loaded.append(cached)

    @functools.wraps(func)
    def wrapper(*args):
        with _load_lock:
            return cached(*args)

    return wrapper


@_once
def dataset(name: str) -> datasets.Dataset:
    # MNISTLAB_DATA (a user's copy) or the cache, each checked against the canonical digests.
    return datasets.load_dataset(datasets.SPECS[name])


@_once
def ten_classes(name: str) -> problems.Split:
    return problems.ten_classes(problems.full_split(dataset(name)))


@_once
def binary_problem(name: str, pair: tuple[int, int], features: str) -> problems.Split:
    split = problems.full_split(dataset(name))
    return problems.pair_2d(split, pair) if features == "2d" else problems.pair_784(split, pair)


@_once
def full_tensors(name: str, device: str) -> problems.TensorData:
    # Read-only in training (batches are index slices), so one copy per device serves every job.
    return problems.to_tensors(ten_classes(name), device)


def first(split: problems.Split, n_train: int | None, n_test: int | None = None) -> problems.Split:
    """The first ``n_train`` training and ``n_test`` test images (None: all)."""
    return problems.Split(
        split.X_train[:n_train], split.y_train[:n_train], split.X_test[:n_test], split.y_test[:n_test]
    )
