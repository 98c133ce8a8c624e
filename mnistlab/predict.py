"""Predictions for one drawn digit: the default model, any trained model, and its nearest neighbours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from mnistlab import data, training
from mnistlab.sources import Progress, quiet

DEFAULT_CONFIG = training.TrainConfig(model="mlp", optimizer="adam", lr=1e-3, batch_size=128, epochs=10)


@dataclass(frozen=True)
class Prediction:
    label: int
    proba: np.ndarray = field(repr=False)   # (10,)


def model_input(image28: np.ndarray, scaler) -> np.ndarray:
    """A 28x28 uint8 image scaled like the training data. Clipped to the training range: a pixel that
    is always blank in training (a corner) would otherwise be scaled far outside (-0.5, 0.5)."""
    x = scaler.transform(np.asarray(image28, dtype=np.float64).reshape(1, 784))
    return np.clip(x, *data.SCALE_RANGE).astype(np.float32)


def predict_torch(model: torch.nn.Module, x: np.ndarray) -> Prediction:
    proba = training.predict_proba(model, x)[0]
    return Prediction(int(np.argmax(proba)), proba)


def predict_sklearn(model, x: np.ndarray) -> Prediction:
    proba = np.zeros(10)
    proba[np.asarray(model.classes_, dtype=int)] = model.predict_proba(x)[0]
    return Prediction(int(np.argmax(proba)), proba)


def default_model_path(dataset: str):
    """Named after its settings, so changing them trains a new default instead of loading a stale one."""
    c = DEFAULT_CONFIG
    return data.cache_dir() / f"{dataset}-default-{c.model}-{c.optimizer}-lr{c.lr:g}-b{c.batch_size}-e{c.epochs}.pt"


def default_model(dataset: str, split: data.Split, progress: Progress = quiet,
                  on_epoch: Callable | None = None) -> tuple[torch.nn.Module, float]:
    """The model every session starts with: trained once per machine, then loaded from the cache.

    ``split`` is the scaled float32 split. Returns (model, test error %).
    """
    path = default_model_path(dataset)
    tensors = training.to_tensors(split.X_train, split.y_train, split.X_test, split.y_test, torch.device("cpu"))
    if path.exists():
        try:
            model = training.load_weights(path.read_bytes(), DEFAULT_CONFIG.model)
            return model.eval(), training.evaluate(model, tensors.X_val, tensors.y_val)[1]
        except (training.WeightsError, OSError):
            progress("The cached default model is damaged; training it again", None)
    progress(f"Training the default model ({DEFAULT_CONFIG.describe()}, {DEFAULT_CONFIG.epochs} epochs)", 0.0)
    result = training.train(DEFAULT_CONFIG, tensors, on_epoch=lambda m, r: progress(
        f"epoch {m.epoch}/{DEFAULT_CONFIG.epochs}: test error {m.val_error_pct:.2f} %", m.epoch / DEFAULT_CONFIG.epochs))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(training.weights_bytes(result.model))
    except OSError:
        pass  # a read-only cache only means training again next time
    return result.model.eval(), result.final.val_error_pct


def neighbour_vote(labels: np.ndarray, n_classes: int = 10) -> Prediction:
    """The k nearest neighbours' labels as a vote: class shares as probabilities, ties to the smallest class."""
    shares = np.bincount(np.asarray(labels, dtype=np.intp), minlength=n_classes) / len(labels)
    return Prediction(int(np.argmax(shares)), shares)


def agreement_line(predictions: dict[str, Prediction], names) -> str:
    labels = {p.label for p in predictions.values()}
    if len(predictions) == 1:
        return ""
    if len(labels) == 1:
        return f"All {len(predictions)} models agree: {names[labels.pop()]}."
    votes = {}
    for p in predictions.values():
        votes[p.label] = votes.get(p.label, 0) + 1
    summary = ", ".join(f"{names[k]} ({n})" for k, n in sorted(votes.items(), key=lambda kv: -kv[1]))
    return f"The models disagree: {summary}."
