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


def linear_softmax_fit(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    optimizer: str,
    lr: float,
    batch_size: int,
    epochs: int,
    seed: int = 0,
    label_smoothing: float = 0.0,
    start=None,
):
    """A linear softmax layer (784 -> 10) trained the textbook way in plain torch, seeded as the course's
    runs are (``torch.manual_seed(seed)`` before the layer is made; one ``torch.Generator`` seeded with
    ``seed`` draws each epoch's order of the training images): mini-batch steps of cross-entropy, then
    the test error in % and mean cross-entropy. ``start``: a layer whose weights it starts from (a new
    optimizer, as a new run has). Returns (layer, test error %, test loss)."""
    import torch
    from torch import nn

    X_train, y_train, X_test, y_test = (torch.tensor(np.asarray(a)) for a in data)
    y_train, y_test = y_train.long(), y_test.long()
    torch.manual_seed(seed)
    layer = nn.Linear(784, 10)
    if start is not None:
        layer.load_state_dict(start.state_dict())
    steps = {
        "sgd": lambda p: torch.optim.SGD(p, lr=lr),
        "momentum": lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
        "adam": lambda p: torch.optim.Adam(p, lr=lr),
    }[optimizer](layer.parameters())
    order_of = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(X_train), generator=order_of)
        for s in range(0, len(X_train), batch_size):
            idx = order[s : s + batch_size]
            loss = nn.functional.cross_entropy(
                layer(X_train[idx].flatten(1)), y_train[idx], label_smoothing=label_smoothing
            )
            steps.zero_grad()
            loss.backward()
            steps.step()
    with torch.no_grad():
        logits = layer(X_test.flatten(1))
        error = 100.0 * float((logits.argmax(1) != y_test).double().mean())
        test_loss = float(nn.functional.cross_entropy(logits.double(), y_test))
    return layer, error, test_loss
