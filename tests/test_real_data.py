"""The real MNIST: shapes, canonical digests, the notebook's split sizes, the CLI."""

import hashlib
import json
import subprocess
import sys

import numpy as np

from mnistlab.data import problems

# From ARCHITECTURE.md, independent of how the data was obtained.
CANONICAL_X = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"
CANONICAL_Y = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"


def test_real_mnist_is_canonical(mnist):
    assert mnist.X.shape == (70000, 784) and mnist.X.dtype == np.uint8
    assert mnist.y.shape == (70000,)
    assert hashlib.sha256(mnist.X.tobytes()).hexdigest() == CANONICAL_X
    assert hashlib.sha256(mnist.y.tobytes()).hexdigest() == CANONICAL_Y


def test_notebook_split_sizes(mnist_split):
    assert len(mnist_split.y_train) == 60000 and len(mnist_split.y_test) == 10000
    binary = problems.binary_problem(mnist_split, (7, 9))
    assert (len(binary.y_train), len(binary.y_test)) == (12218, 2033)
    assert binary.y_train.mean() == np.mean(mnist_split.y_train[np.isin(mnist_split.y_train, (7, 9))] == 9)


def test_cli_info_json_prints_one_object_last(mnist):
    done = subprocess.run([sys.executable, "-m", "mnistlab", "info", "--json"],
                          capture_output=True, text=True, timeout=120, check=True)
    last = done.stdout.strip().splitlines()[-1]
    info = json.loads(last)
    assert info["sha256_X"] == CANONICAL_X and info["sha256_y"] == CANONICAL_Y
    assert (info["n_samples"], info["n_features"], info["train"], info["test"]) == (70000, 784, 60000, 10000)
    assert (info["binary_train"], info["binary_test"]) == (12218, 2033)
    assert info["source"]
