"""Shared fixtures, the per-run data cache, and the order of the layers.

Every run gets its own MNISTLAB_CACHE_DIR, seeded once from the machine's cache (hard links, so no
copy of 55 MB): tests never write into the user's cache, and first-start paths (the default model's
first training, a reproduce file, a fetch into an empty cache) really run here.
"""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from mnistlab.data import datasets, problems

# Unit tests first, then AppTest, then the browser and load layers: a core failure shows in seconds.
APPTEST_FILES = (
    "test_pages.py",
    "test_classroom.py",
    "test_class_board_page.py",
    "test_pages_app.py",
    "test_lesson_page.py",
)
_run_cache: Path | None = None
_previous_cache_env: str | None = None


def seed_cache(source: Path, target: Path, patterns: tuple[str, ...] = ("*.npz",)) -> None:
    """By default only the datasets: a cached default model or reproduce file would hide the first-start
    paths. MNISTLAB_TEST_REUSE_MODELS=1 also takes the machine's trained default models (a slow machine
    then skips their first training, which is minutes of CPU)."""
    target.mkdir(parents=True, exist_ok=True)
    for found in sorted(f for pattern in patterns for f in source.glob(pattern)):
        if found.suffix == ".npz":  # rewritten only by an atomic replace, never in place: a link is safe
            try:
                os.link(found, target / found.name)
                continue
            except OSError:  # another file system
                pass
        shutil.copy2(found, target / found.name)  # a damaged model is rewritten in place: never link it


def pytest_configure(config: pytest.Config) -> None:
    global _run_cache, _previous_cache_env
    _previous_cache_env = os.environ.get("MNISTLAB_CACHE_DIR")
    machine_cache = datasets.cache_dir()
    _run_cache = Path(tempfile.mkdtemp(prefix="mnistlab-test-cache-"))
    reuse_models = os.environ.get("MNISTLAB_TEST_REUSE_MODELS") == "1"
    seed_cache(machine_cache, _run_cache, ("*.npz", "*-default-*.pt") if reuse_models else ("*.npz",))
    os.environ["MNISTLAB_CACHE_DIR"] = str(_run_cache)  # inherited by `streamlit run` in the browser tests


def pytest_unconfigure(config: pytest.Config) -> None:
    if _previous_cache_env is None:
        os.environ.pop("MNISTLAB_CACHE_DIR", None)
    else:
        os.environ["MNISTLAB_CACHE_DIR"] = _previous_cache_env
    if _run_cache is not None:
        shutil.rmtree(_run_cache, ignore_errors=True)


def layer(item: pytest.Item) -> int:
    path = Path(str(item.fspath))
    if "load" in item.keywords or "load" in path.parts or path.name == "test_load.py":
        return 3
    if "e2e" in path.parts or "e2e" in item.keywords:
        return 2
    if path.name in APPTEST_FILES:
        return 1
    return 0


_collected = pytest.StashKey[int]()
_collection_order = itertools.count()


def pytest_itemcollected(item: pytest.Item) -> None:
    item.stash[_collected] = next(_collection_order)  # the order as written, before any shuffle


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """After pytest-randomly's shuffle: the layers in order, the unit and AppTest layers in its random
    order (the seed is in the header; -p no:randomly keeps the files' order), the browser and load
    layers as written, since their servers and sessions are shared in that order."""

    def key(item: pytest.Item) -> tuple[int, int]:
        n = layer(item)
        return n, (item.stash.get(_collected, 0) if n >= 2 else 0)

    items.sort(key=key)  # stable: within the first two layers, the order randomly chose
    keep_written_order(items)


def keep_written_order(items: list[pytest.Item]) -> None:
    """A module marked ``in_order`` (its tests share one stateful fixture in sequence, e.g. a Ray instance
    that its last test shuts down) keeps its tests' written order, in the places the shuffle gave them."""
    by_module: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        if item.get_closest_marker("in_order"):
            by_module.setdefault(str(item.fspath), []).append(i)
    for places in by_module.values():
        written = sorted((items[i] for i in places), key=lambda item: item.stash.get(_collected, 0))
        for i, item in zip(places, written, strict=True):
            items[i] = item


def require(part: str, variable: str, missing: str) -> None:
    """An optional part is missing: a skip on a developer's machine, a failure where ``variable`` is set
    (CI sets one per part it installs, so a test that needs it can never skip there unseen)."""
    if os.environ.get(variable):
        pytest.fail(f"{part} is required here ({variable} is set): {missing}")
    pytest.skip(missing)


def require_module(name: str, variable: str):
    """The module, imported; where ``variable`` is set a missing one fails instead of skipping."""
    if os.environ.get(variable):
        return importlib.import_module(name)  # an ImportError here is a collection error: red, not skipped
    return pytest.importorskip(name)


def fashion_installed() -> bool:
    fashion = datasets.FASHION
    installed = datasets.FASHION_FOLDER.is_dir() or datasets.user_path_for(fashion)
    return bool(installed or datasets.cache_file(fashion).exists())


def require_fashion() -> None:
    if not fashion_installed():
        require(
            "Fashion-MNIST",
            "MNISTLAB_REQUIRE_FASHION",
            f"no Fashion-MNIST at {datasets.FASHION_FOLDER} (apt-get install dataset-fashion-mnist)",
        )


@pytest.fixture(scope="session")
def fashion(run_cache) -> datasets.Dataset:
    """Fashion-MNIST, prepared in this run's cache: a page then opens it with no first-start notice."""
    require_fashion()
    return datasets.load_dataset(datasets.FASHION)


@pytest.fixture(scope="session")
def run_cache() -> Path:
    """This run's data cache (MNISTLAB_CACHE_DIR)."""
    return datasets.cache_dir()


@pytest.fixture(scope="session")
def mnist(run_cache) -> datasets.Dataset:
    """The real dataset, from this run's cache (fetched into it if the machine had none)."""
    return datasets.load_mnist()


@pytest.fixture(scope="session")
def default_model(mnist):
    """MNIST's default model in this run's cache, trained here once (minutes of CPU unless reused). The
    pages prepare it as a background job and go on without it: a test of what they show with it must
    not race that job."""
    from mnistlab.data import loaders
    from mnistlab.models import weights

    return weights.default_model("mnist", loaders.ten_classes("mnist"))


@pytest.fixture(autouse=True)
def stop_first_use_trainings():
    """A page visit starts the default model's training as a job that outlives the visit (as it should
    on a server); in a test process it would go on burning CPU under the tests that follow."""
    yield
    from mnistlab import jobs

    for job in jobs.executor().jobs():
        if job.kind.name == "default_model":
            job.stop()


@pytest.fixture(scope="session")
def mnist_split(mnist) -> problems.Split:
    return problems.full_split(mnist)


@pytest.fixture
def fresh_streamlit_caches():
    """AppTest runs share Streamlit's caches within one process; without this, a page test could pass
    only because an earlier test computed (or trained) something for it."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def random_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Small stand-in arrays of the right type for testing file formats."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 784), dtype=np.uint8), rng.integers(0, 10, size=n, dtype=np.uint8)


@pytest.fixture(autouse=True)
def forget_job_data():
    """Job workers in this process keep what they loaded per dataset name; a test that registers a small
    dataset under "mnist" must not leave it to the next test's jobs."""
    yield
    from mnistlab.data import loaders

    loaders.forget_loaded()


def after_jobs(app, timeout_s: float = 300):
    """Long work runs as jobs on the process's executor, beside the script: wait for them, then run the
    page again as its live fragment would when it sees them finish."""
    from mnistlab import jobs

    for job in jobs.executor().jobs():
        assert job.wait(timeout_s), f"{job} did not finish"
    return app.run()


def scaled_slice(split: problems.Split, n_train: int, n_test: int) -> problems.Split:
    """The first images of each part, scaled as the notebook does (float32): a small real problem."""
    head = problems.Split(
        split.X_train[:n_train], split.y_train[:n_train], split.X_test[:n_test], split.y_test[:n_test]
    )
    return problems.ten_classes(head)
