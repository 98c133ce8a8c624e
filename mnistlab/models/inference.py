"""Predictions for one input digit: a torch model's class probabilities, a neighbour vote."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
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


def predict_torch(model: torch.nn.Module, x: np.ndarray) -> Prediction:
    proba = predict_proba(model, x)[0]
    return Prediction(int(np.argmax(proba)), proba)


def neighbour_vote(labels: np.ndarray, n_classes: int = 10) -> Prediction:
    """The k nearest neighbours' labels as a vote: class shares as probabilities, ties to the smallest
    class."""
    shares = np.bincount(np.asarray(labels, dtype=np.intp), minlength=n_classes) / len(labels)
    return Prediction(int(np.argmax(shares)), shares)
