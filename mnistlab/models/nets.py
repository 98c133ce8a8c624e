"""The networks of the notebook's part 2, and a small CNN (section 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # torch is imported where a network is built: the CLI lists these names without it
    from torch import nn

MODELS = {
    "linear": "Linear (784 -> 10), section 5.1",
    "mlp": "MLP 784-200-100-10, section 5.3",
    "cnn": "CNN: two 5x5 conv + batch-norm + pool blocks, section 6",
    "fast": "Fast CNN: three small 3x3 conv blocks, one epoch to 99 % (one-cycle, large batch)",
}

FAST_WIDTHS = (16, 32, 64)
FAST_LR, FAST_BATCH = 1e-2, 128

# Settings that suit each model (exercise 5.3's for the MLP; the CNN's reach 99 % in 3 epochs on CPU).
PRESETS: dict[str, dict[str, Any]] = {
    "linear": dict(optimizer="sgd", lr=0.1, batch_size=64, epochs=10, scheduler="none"),
    "mlp": dict(optimizer="adam", lr=1e-4, batch_size=256, epochs=10, scheduler="none"),
    "cnn": dict(optimizer="adam", lr=2e-3, batch_size=128, epochs=3, scheduler="cosine"),
    # One epoch: the rate climbs for a quarter of it and anneals to ~0 by the end (training.make_scheduler).
    # bf16: about 2x on CPUs with AVX512-BF16 and on GPUs (choose fp32 on other CPUs).
    "fast": dict(
        optimizer="adam", lr=FAST_LR, batch_size=FAST_BATCH, epochs=1, scheduler="onecycle", precision="bf16"
    ),
}


def build(name: str, dropout: float = 0.0) -> nn.Module:
    from torch import nn

    if name == "linear":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    if name == "mlp":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 200),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(200, 100),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(100, 10),
        )
    if name == "cnn":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 5, padding=2),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(128, 10),
        )
    if name == "fast":
        return fast_cnn(FAST_WIDTHS)
    raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}")


def fast_cnn(widths: tuple[int, int, int]) -> nn.Module:
    """28 -> 14 -> 7 -> 3 pixels through conv-BN-ReLU-pool blocks; BN lets one epoch at a high rate work."""
    from torch import nn

    layers: list[nn.Module] = [nn.Unflatten(1, (1, 28, 28))]
    channels = 1
    for width in widths:
        layers += [
            nn.Conv2d(channels, width, 3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]
        channels = width
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels * 3 * 3, 10))
