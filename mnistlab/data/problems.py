"""The notebook's recipe, in one place: split, digit pair, scaling, 2-D PCA, device tensors.

Every consumer (pages through ``mnistlab.ui.recipe``, the CLI, benchmarks, reproduce) composes the
same steps from here, so the numbers on a page and in a terminal come from the same arrays:
``train_test`` (60,000 / 10,000, random_state=0) -> ``binary_problem`` (7 -> 0, 9 -> 1) -> ``scale``
(MinMax to (-0.5, 0.5), fitted on the training part) -> ``pca_2d`` or ``to_tensors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

if TYPE_CHECKING:  # torch is imported only where tensors are made: the sklearn pages start faster
    import torch

from mnistlab.data.datasets import Dataset

# Section 1.2 and 1.3 of the notebook.
TRAIN_SIZE, TEST_SIZE, SPLIT_SEED = 60000, 10000, 0
SCALE_RANGE = (-0.5, 0.5)
DEFAULT_PAIR = (7, 9)


@dataclass(frozen=True)
class Split:
    X_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return f"Split(train={len(self.y_train)}, test={len(self.y_test)})"


def train_test(X: np.ndarray, y: np.ndarray) -> Split:
    """The notebook's 60,000 / 10,000 random split (random_state=0)."""
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, train_size=TRAIN_SIZE, test_size=TEST_SIZE, random_state=SPLIT_SEED
    )
    return Split(X_tr, y_tr, X_te, y_te)


def binary_problem(split: Split, pair: tuple[int, int] = DEFAULT_PAIR) -> Split:
    """Keep two classes; the first becomes label 0, the second label 1."""
    first, second = pair
    if first == second:
        raise ValueError("a binary problem needs two different classes")

    def pick(X, y):
        keep = (y == first) | (y == second)
        return X[keep], (y[keep] == second).astype(np.uint8)

    return Split(*pick(split.X_train, split.y_train), *pick(split.X_test, split.y_test))


def fit_scaler(X_train: np.ndarray) -> MinMaxScaler:
    return MinMaxScaler(feature_range=SCALE_RANGE).fit(X_train)


def scale(split: Split, dtype=np.float64) -> Split:
    """MinMax to (-0.5, 0.5), fitted on the training part only (never refit on test)."""
    scaler = fit_scaler(split.X_train)
    return Split(
        scaler.transform(split.X_train).astype(dtype, copy=False),
        split.y_train,
        scaler.transform(split.X_test).astype(dtype, copy=False),
        split.y_test,
    )


def pca_2d(split: Split) -> tuple[PCA, Split]:
    """Project a scaled split on the first two principal components of its training part."""
    pca = PCA(2).fit(split.X_train)
    return pca, Split(pca.transform(split.X_train), split.y_train, pca.transform(split.X_test), split.y_test)


# --- the steps composed, as every consumer uses them --------------------------------------


def full_split(ds: Dataset) -> Split:
    """All ten classes, raw uint8 pixels, the notebook's split."""
    return train_test(ds.X, ds.y)


def ten_classes(split: Split) -> Split:
    """All ten classes scaled, in float32 (k-NN, PCA of all classes, torch training)."""
    return scale(split, dtype=np.float32)


def pair_784(split: Split, pair: tuple[int, int] = DEFAULT_PAIR) -> Split:
    """A digit pair on all 784 scaled pixels (exercise 2.6)."""
    return scale(binary_problem(split, pair))


def pair_2d(split: Split, pair: tuple[int, int] = DEFAULT_PAIR) -> Split:
    """A digit pair on the first two principal components of its scaled pixels (exercises 2.1-2.5)."""
    return pca_2d(pair_784(split, pair))[1]


# --- tensors on a training device ---------------------------------------------------------


@dataclass(frozen=True)
class TensorData:
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor


def to_tensors(split: Split, device: torch.device | str = "cpu") -> TensorData:
    """A scaled split as float32 / int64 tensors on ``device`` (copies: the source may be read-only)."""
    import torch

    def t(a, dtype):
        return torch.tensor(np.asarray(a), dtype=dtype, device=device)

    return TensorData(
        t(split.X_train, torch.float32),
        t(split.y_train, torch.long),
        t(split.X_test, torch.float32),
        t(split.y_test, torch.long),
    )
