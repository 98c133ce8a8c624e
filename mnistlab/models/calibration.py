"""Can you trust its probabilities? Reliability bins, expected calibration error, negative
log-likelihood, and temperature scaling (Guo et al. 2017) fitted on images held out of training.

The temperature is fitted on a part of the training split that the network was not trained on, never
on the test split, which is kept for the before/after numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from mnistlab.data import problems

ECE_BINS = 15  # Guo et al. 2017's choice
HELD_OUT_FRACTION = 0.1  # of the 60,000 training images: 6,000 for the temperature, 54,000 to train


@dataclass(frozen=True)
class Reliability:
    """Confidence bins (lo, hi]: how many predictions fall in each, their mean confidence, accuracy."""

    edges: np.ndarray = field(repr=False)
    count: np.ndarray = field(repr=False)
    confidence: np.ndarray = field(repr=False)  # NaN where a bin is empty
    accuracy: np.ndarray = field(repr=False)

    @property
    def ece(self) -> float:
        """Sum over bins of (share of predictions) x |accuracy - confidence|."""
        full = self.count > 0
        share = self.count[full] / self.count.sum()
        return float(np.sum(share * np.abs(self.accuracy[full] - self.confidence[full])))


def reliability(proba: np.ndarray, labels: np.ndarray, n_bins: int = ECE_BINS) -> Reliability:
    """Bin each prediction by its top probability; a confidence of exactly 1 falls in the last bin."""
    proba = np.asarray(proba, dtype=np.float64)
    confidence = proba.max(1)
    right = proba.argmax(1) == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # (lo, hi]: searchsorted on the upper edges; a confidence of 0 cannot happen with a top probability.
    which = np.clip(np.searchsorted(edges[1:], confidence, side="left"), 0, n_bins - 1)
    count = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, weights=confidence, minlength=n_bins) / count
        accuracy = np.bincount(which, weights=right.astype(float), minlength=n_bins) / count
    return Reliability(edges, count, mean_conf, accuracy)


def ece(proba: np.ndarray, labels: np.ndarray, n_bins: int = ECE_BINS) -> float:
    return reliability(proba, labels, n_bins).ece


def scaled_proba(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    return np.exp(log_softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1))


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the labels under softmax(logits / temperature)."""
    logp = log_softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)
    return float(-np.mean(logp[np.arange(len(logp)), np.asarray(labels, dtype=np.intp)]))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the held-out NLL (searched on log T in [1/20, 20])."""
    found = minimize_scalar(
        lambda log_t: nll(logits, labels, float(np.exp(log_t))), bounds=(-3.0, 3.0), method="bounded"
    )
    return float(np.exp(found.x))


def held_out_split(split: problems.Split, seed: int = 0) -> tuple[problems.Split, np.ndarray, np.ndarray]:
    """(the split with 90 % of its training part, the other 10 %'s images, their labels): a random,
    seeded tenth of the training split held out for the temperature; the test part is untouched."""
    order = np.random.default_rng(seed).permutation(len(split.y_train))
    n_held = int(round(HELD_OUT_FRACTION * len(order)))
    held, kept = order[:n_held], np.sort(order[n_held:])
    train = problems.Split(split.X_train[kept], split.y_train[kept], split.X_test, split.y_test)
    return train, split.X_train[held], split.y_train[held]


def summary(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> dict:
    proba = scaled_proba(logits, temperature)
    return {
        "ece_pct": round(100 * ece(proba, labels), 3),
        "nll": round(nll(logits, labels, temperature), 5),
        "error_pct": round(100 * float(np.mean(proba.argmax(1) != labels)), 3),
        "mean_confidence_pct": round(100 * float(proba.max(1).mean()), 3),
    }


def calibration_run(
    model: str,
    split: problems.Split,
    epochs: int | None = None,
    label_smoothing: float = 0.0,
    seed: int = 0,
    progress: Callable[[str, float | None], None] = lambda message, fraction: None,
) -> dict:
    """Train ``model`` (the default model's settings for the MLP, the preset's otherwise) on 54,000
    training images, fit the temperature on the 6,000 held out, and report the test split before and
    after. ``split`` is the raw uint8 split."""
    import torch

    from mnistlab.models import attacks, training

    train_part, X_held, y_held = held_out_split(split, seed)
    scaler = problems.fit_scaler(train_part.X_train)
    scaled = problems.Split(
        scaler.transform(train_part.X_train).astype(np.float32),
        train_part.y_train,
        scaler.transform(train_part.X_test).astype(np.float32),
        train_part.y_test,
    )
    config = attacks.attack_config(model, epochs=epochs, seed=seed)
    config = replace(config, label_smoothing=label_smoothing)
    progress(f"Training {config.describe()} on {len(scaled.y_train):,} training images", 0.0)
    result = training.train(
        config,
        problems.to_tensors(scaled),
        on_epoch=lambda m, r: progress(f"epoch {m.epoch}/{config.epochs}", m.epoch / config.epochs),
    )
    net = result.model.cpu().float().eval()

    @torch.no_grad()
    def logits_of(X: np.ndarray) -> np.ndarray:
        x = np.clip(scaler.transform(X), *problems.SCALE_RANGE).astype(np.float32)
        return np.concatenate(
            [net(torch.from_numpy(x[s : s + 5000])).numpy() for s in range(0, len(x), 5000)]
        )

    held_logits, test_logits = logits_of(X_held), logits_of(split.X_test)
    temperature = fit_temperature(held_logits, y_held)
    return {
        "model": model,
        "config": asdict(config),
        "n_train": len(scaled.y_train),
        "n_held_out": len(y_held),
        "n_test": len(split.y_test),
        "ece_bins": ECE_BINS,
        "temperature": round(temperature, 4),
        "test_before": summary(test_logits, split.y_test),
        "test_after": summary(test_logits, split.y_test, temperature),
        "held_out_before": summary(held_logits, y_held),
        "held_out_after": summary(held_logits, y_held, temperature),
    }
