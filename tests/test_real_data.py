"""The real MNIST: the loader refuses anything but the canonical arrays; the notebook's split sizes.

(The CLI's `info --json` on the real data is in test_cli.py, in process.)
"""

import numpy as np
import pytest

from mnistlab.data import datasets, problems


def test_real_mnist_is_loaded_and_one_changed_pixel_is_refused(mnist):
    assert mnist.X.shape == (70000, 784) and mnist.X.dtype == np.uint8 and mnist.y.shape == (70000,)
    assert not mnist.X.flags.writeable
    # The loader's check is what keeps every page on the canonical data: it must notice one pixel.
    tampered = np.array(mnist.X)
    tampered[69999, 400] ^= 1
    with pytest.raises(datasets.SourceUnavailable, match="sha256 of X"):
        datasets.verify(datasets.MNIST, tampered, mnist.y, "tampered copy")
    relabelled = np.array(mnist.y)
    relabelled[0] = (relabelled[0] + 1) % 10
    with pytest.raises(datasets.SourceUnavailable, match="sha256 of y"):
        datasets.verify(datasets.MNIST, mnist.X, relabelled, "relabelled copy")


def test_notebook_split_sizes(mnist_split):
    assert len(mnist_split.y_train) == 60000 and len(mnist_split.y_test) == 10000
    binary = problems.binary_problem(mnist_split, (7, 9))
    assert (len(binary.y_train), len(binary.y_test)) == (12218, 2033)


def test_this_run_has_its_own_cache(run_cache, mnist):
    assert run_cache.name.startswith("mnistlab-test-cache-") and run_cache.is_dir()
    # Seeded from the machine's cache, or fetched into this run's cache on a fresh machine (CI).
    assert datasets.cache_dir() == run_cache and (run_cache / "mnist.npz").exists()
