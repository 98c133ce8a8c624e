"""The notebook's recipe written out with scikit-learn alone, for expected values that do not come from
the code under test (mnistlab.data.problems): pair, MinMax scaling to (-0.5, 0.5) fitted on the training
part, the first two principal components."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler


def split(X: np.ndarray, y: np.ndarray, n_train: int = 60000, n_test: int = 10000) -> SimpleNamespace:
    """The notebook's random split (section 1.2: random_state=0)."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, test_size=n_test, random_state=0
    )
    return SimpleNamespace(X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)


def pick(X: np.ndarray, y: np.ndarray, pair: tuple[int, int] = (7, 9)) -> tuple[np.ndarray, np.ndarray]:
    """The two classes, the first as label 0 and the second as label 1 (section 2 of the notebook)."""
    keep = np.isin(y, pair)
    return X[keep], (y[keep] == pair[1]).astype(int)


def scaled(X_train: np.ndarray, X_test: np.ndarray, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    scaler = MinMaxScaler(feature_range=(-0.5, 0.5)).fit(X_train)
    return scaler.transform(X_train).astype(dtype), scaler.transform(X_test).astype(dtype)


def ten_classes(split) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All classes scaled, in float32 as torch and k-NN use them: X_train, y_train, X_test, y_test."""
    X_train, X_test = scaled(split.X_train, split.X_test, np.float32)
    return X_train, split.y_train, X_test, split.y_test


def pair_784(split, pair: tuple[int, int] = (7, 9)):
    X_train, y_train = pick(split.X_train, split.y_train, pair)
    X_test, y_test = pick(split.X_test, split.y_test, pair)
    X_train, X_test = scaled(X_train, X_test)
    return X_train, y_train, X_test, y_test


def pair_2d(split, pair: tuple[int, int] = (7, 9)):
    X_train, y_train, X_test, y_test = pair_784(split, pair)
    pca = PCA(2).fit(X_train)
    return pca.transform(X_train), y_train, pca.transform(X_test), y_test
