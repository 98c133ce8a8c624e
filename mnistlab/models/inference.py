"""Predictions: a torch network with scikit-learn's estimator face (``TorchClassifier``), so every
model predicts through ``predict_proba``; one input digit's prediction; a neighbour vote."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from torch import nn

from mnistlab.data.problems import SCALE_RANGE


@dataclass(frozen=True)
class Prediction:
    label: int
    proba: np.ndarray = field(repr=False)  # (10,)


def model_input(image28: np.ndarray, scaler) -> np.ndarray:
    """A 28x28 uint8 image scaled like the training data. Clipped to the training range: a pixel that
    is always blank in training (a corner) would otherwise be scaled far outside (-0.5, 0.5)."""
    x = scaler.transform(np.asarray(image28, dtype=np.float64).reshape(1, 784))
    return np.clip(x, *SCALE_RANGE).astype(np.float32)


@torch.no_grad()
def predict_proba(model: nn.Module, X: np.ndarray) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    return torch.softmax(model(torch.as_tensor(X, dtype=torch.float32, device=device)), dim=1).cpu().numpy()


class TorchClassifier(ClassifierMixin, BaseEstimator):
    """A trained network as a scikit-learn classifier: predict_proba, predict, score (accuracy).

    It is fitted already (the training loop fits networks); ``batch`` bounds memory: the CNN's first
    feature maps of 10,000 images at once would take about 1 GB."""

    classes_ = np.arange(10)  # every network here has ten outputs, one per class, in label order

    def __init__(self, net: nn.Module, batch: int = 1000):
        self.net = net
        self.batch = batch

    def fit(self, X, y):  # noqa: ARG002 (the estimator contract; training is the training loop's)
        raise NotImplementedError("a TorchClassifier wraps a trained network: train it with models.training")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        parts = [
            predict_proba(self.net, np.array(X[s : s + self.batch]))  # writable copies
            for s in range(0, len(X), self.batch)
        ]
        return np.concatenate(parts) if parts else np.empty((0, len(self.classes_)), dtype=np.float32)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def as_estimator(model, batch: int = 1000):
    """A network wrapped as a ``TorchClassifier``; a scikit-learn estimator as it is."""
    return TorchClassifier(model, batch) if isinstance(model, nn.Module) else model


def predict_one(model, x: np.ndarray) -> Prediction:
    """The prediction of any classifier (an estimator or a network) for one scaled input (1, 784)."""
    proba = np.asarray(as_estimator(model).predict_proba(x))[0]
    return Prediction(int(np.argmax(proba)), proba)


def neighbour_vote(labels: np.ndarray, n_classes: int = 10) -> Prediction:
    """The k nearest neighbours' labels as a vote: class shares as probabilities, ties to the smallest
    class."""
    shares = np.bincount(np.asarray(labels, dtype=np.intp), minlength=n_classes) / len(labels)
    return Prediction(int(np.argmax(shares)), shares)
