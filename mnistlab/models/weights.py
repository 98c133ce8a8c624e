"""Weights on disk: a model's state dict as bytes and back (never running code), and the
default model every session starts with, trained once per machine and kept in the data cache."""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import torch
from torch import nn

from mnistlab.data import datasets
from mnistlab.data.problems import Split, to_tensors
from mnistlab.data.sources import Progress, quiet
from mnistlab.models import nets, training


class WeightsError(ValueError):
    """An uploaded weights file that is not a state dict of the chosen model."""


DEFAULT_CONFIG = training.TrainConfig(model="mlp", optimizer="adam", lr=1e-3, batch_size=128, epochs=10)


def weights_bytes(model: nn.Module | dict) -> bytes:
    """``torch.save`` of a network's state dict (or of a state dict), on the CPU: the one format of
    downloads, uploads, continued trainings and the run store."""
    state = model.state_dict() if isinstance(model, nn.Module) else model
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in state.items()}, buffer)
    return buffer.getvalue()


def load_weights(raw: bytes, model_name: str, dropout: float = 0.0) -> nn.Module:
    """A model of ``model_name`` with the uploaded weights; refuses anything else, and never runs code."""
    try:
        state = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for bad or unsafe files
        raise WeightsError(
            f"Not a PyTorch weights file that can be loaded safely ({type(exc).__name__})."
        ) from exc
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError("The file does not hold a state dict (a mapping of names to tensors).")
    model = nets.build(model_name, dropout)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if expected != got:
        raise WeightsError(
            f"These weights do not fit the {model_name} model "
            f"(expected {len(expected)} tensors, got {len(got)} with other names or shapes)."
        )
    model.load_state_dict(state)
    return model


def default_model_path(dataset: str):
    """Named after its settings, so changing them trains a new default instead of loading a stale one."""
    c = DEFAULT_CONFIG
    return (
        datasets.cache_dir()
        / f"{dataset}-default-{c.model}-{c.optimizer}-lr{c.lr:g}-b{c.batch_size}-e{c.epochs}.pt"
    )


def default_model(
    dataset: str,
    split: Split,
    progress: Progress = quiet,
    on_epoch: Callable | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[torch.nn.Module, float]:
    """The model every session starts with: trained once per machine, then loaded from the cache.

    ``split`` is the scaled float32 split. Returns (model, test error %). A training stopped early is
    returned but not cached (a half-trained default would be every student's from then on).
    """
    path = default_model_path(dataset)
    tensors = to_tensors(split)
    if path.exists():
        try:
            model = load_weights(path.read_bytes(), DEFAULT_CONFIG.model)
            return model.eval(), training.evaluate(model, tensors.X_val, tensors.y_val)[1]
        except (WeightsError, OSError):
            progress("The cached default model is damaged; training it again", None)
    progress(f"Training the default model ({DEFAULT_CONFIG.describe()}, {DEFAULT_CONFIG.epochs} epochs)", 0.0)
    result = training.train(
        DEFAULT_CONFIG,
        tensors,
        on_epoch=lambda m, r: progress(
            f"epoch {m.epoch}/{DEFAULT_CONFIG.epochs}: test error {m.val_error_pct:.2f} %",
            m.epoch / DEFAULT_CONFIG.epochs,
        ),
        should_stop=should_stop,
    )
    final = result.final
    if result.stopped or final is None:
        return result.model.eval(), final.val_error_pct if final is not None else float("nan")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: several app processes may start on an empty cache; none may read a half-written file.
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(weights_bytes(result.model))
        os.replace(partial, path)
    except OSError:
        pass  # a read-only cache only means training again next time
    return result.model.eval(), final.val_error_pct
