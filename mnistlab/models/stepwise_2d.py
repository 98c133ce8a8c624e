"""The 2-D playground's logistic regression and one-hidden-layer MLP, trained one epoch at a time so a
page can redraw the probability map as it learns, and go back to any epoch seen.

The objectives are scikit-learn's, so a run trained long enough ends where the converged fit does:
logistic regression minimises the mean log-loss plus ||w||^2 / (2 C n) (C * sum of log-losses plus
||w||^2 / 2, divided by n); the MLP adds alpha ||W||^2 / (2 n) and uses Adam, as MLPClassifier does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from mnistlab.models.classic import ProbabilityMap

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "logistic": nn.Sigmoid}


@dataclass(frozen=True)
class StepConfig:
    family: str = "logistic"  # logistic | mlp
    C: float = 1.0  # logistic: inverse regularisation, as scikit-learn's
    hidden: int = 20
    activation: str = "relu"
    alpha: float = 1e-4  # mlp: L2 penalty, as MLPClassifier's
    lr: float = 0.05
    batch_size: int = 500  # larger than MLPClassifier's 200: fewer steps, a quicker redraw
    seed: int = 0


@dataclass(frozen=True)
class EpochPoint:
    epoch: int
    train_loss: float
    train_error_pct: float
    test_error_pct: float


@dataclass
class StepRun:
    """A model in training, its weights after every epoch (tiny: a few hundred numbers) and its curves."""

    config: StepConfig
    model: nn.Module = field(repr=False)
    optimizer: torch.optim.Optimizer = field(repr=False)
    generator: torch.Generator = field(repr=False)
    snapshots: list[dict] = field(default_factory=list, repr=False)  # snapshots[e]: weights after epoch e
    history: list[EpochPoint] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.history)


def build(config: StepConfig) -> nn.Module:
    torch.manual_seed(config.seed)
    if config.family == "logistic":
        return nn.Linear(2, 1)
    if config.family == "mlp":
        if config.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {config.activation!r}; choose from {sorted(ACTIVATIONS)}")
        return nn.Sequential(
            nn.Linear(2, config.hidden), ACTIVATIONS[config.activation](), nn.Linear(config.hidden, 1)
        )
    raise ValueError(f"unknown family {config.family!r}: logistic or mlp")


def start(config: StepConfig) -> StepRun:
    model = build(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    run = StepRun(config, model, optimizer, torch.Generator().manual_seed(config.seed))
    run.snapshots.append(_snapshot(model))
    return run


def _snapshot(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _penalty(run: StepRun, n: int) -> torch.Tensor:
    weights = [m.weight for m in run.model.modules() if isinstance(m, nn.Linear)]
    squares = torch.stack([(w**2).sum() for w in weights]).sum()
    per_sample = 1.0 / run.config.C if run.config.family == "logistic" else run.config.alpha
    return per_sample * squares / (2 * n)


def _error_pct(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float(100.0 * ((model(X)[:, 0] > 0).float() != y).float().mean())


def step(
    run: StepRun, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray
) -> EpochPoint:
    """One epoch: minibatches of a fresh permutation; then the epoch's weights and scores are kept."""
    X = torch.from_numpy(np.array(X_train, dtype=np.float32))  # a copy: the recipe's arrays are read-only
    y = torch.tensor(y_train, dtype=torch.float32)
    n = len(X)
    order = torch.randperm(n, generator=run.generator)
    run.model.train()
    for s in range(0, n, run.config.batch_size):
        idx = order[s : s + run.config.batch_size]
        logits = run.model(X[idx])[:, 0]
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y[idx]) + _penalty(run, n)
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        run.optimizer.step()
    # A decaying step, so the last epochs settle on the optimum instead of circling it.
    for group in run.optimizer.param_groups:
        group["lr"] = run.config.lr / (1 + 0.1 * (run.epochs + 1))
    with torch.no_grad():
        train_loss = float(nn.functional.binary_cross_entropy_with_logits(run.model(X)[:, 0], y))
    point = EpochPoint(
        run.epochs + 1,
        train_loss,
        _error_pct(run.model, X, y),
        _error_pct(
            run.model,
            torch.as_tensor(X_test, dtype=torch.float32),
            torch.as_tensor(y_test, dtype=torch.float32),
        ),
    )
    run.history.append(point)
    run.snapshots.append(_snapshot(run.model))
    return point


def at_epoch(run: StepRun, epoch: int) -> nn.Module:
    """A copy of the model as it was after ``epoch`` epochs (0: before training)."""
    model = build(run.config)
    model.load_state_dict(run.snapshots[epoch])
    return model.eval()


def _grid(bounds, resolution: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    x0, x1, y0, y1 = bounds
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, torch.as_tensor(np.column_stack([gx.ravel(), gy.ravel()]), dtype=torch.float32)


@torch.no_grad()
def probability_map(model: nn.Module, bounds, resolution: int = 100) -> ProbabilityMap:
    """P(class 1) over the plane, as ``classic.probability_map`` draws a fitted model's."""
    xs, ys, points = _grid(bounds, resolution)
    p = torch.sigmoid(model(points)[:, 0]).numpy().reshape(len(ys), len(xs))
    return ProbabilityMap(xs, ys, p.astype(np.float32))


@torch.no_grad()
def hidden_unit_maps(model: nn.Module, bounds, resolution: int = 40) -> np.ndarray:
    """Each hidden unit's activation over the plane, (units, resolution, resolution); empty for logistic."""
    if not isinstance(model, nn.Sequential):
        return np.zeros((0, resolution, resolution), dtype=np.float32)
    xs, ys, points = _grid(bounds, resolution)
    hidden = model[1](model[0](points))
    return hidden.T.numpy().reshape(-1, len(ys), len(xs)).astype(np.float32)
