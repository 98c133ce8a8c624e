import numpy as np
import pytest

from mnistlab.data import datasets, problems


@pytest.fixture(scope="session")
def mnist() -> datasets.Dataset:
    """The real dataset (fetched once per machine, then from the cache)."""
    return datasets.load_mnist()


@pytest.fixture(scope="session")
def mnist_split(mnist) -> problems.Split:
    return problems.train_test(mnist.X, mnist.y)


def random_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Small stand-in arrays of the right type for testing file formats."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 784), dtype=np.uint8), rng.integers(0, 10, size=n, dtype=np.uint8)
