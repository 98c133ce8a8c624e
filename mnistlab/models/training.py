"""A training loop for the notebook's networks that reports every epoch and stops when asked.

The whole dataset lives on the training device as tensors; each epoch takes batches as index
slices of a fresh random permutation (no DataLoader: measured 1.3x slower per CPU epoch here).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from mnistlab.data.problems import TensorData
from mnistlab.models import nets
from mnistlab.models.devices import resolve_device, synchronize

OPTIMIZERS = ("gd", "sgd", "momentum", "adam", "adamw", "rmsprop")
SCHEDULERS = ("none", "step", "cosine", "onecycle")


@dataclass(frozen=True)
class TrainConfig:
    model: str = "mlp"
    optimizer: str = "adam"  # gd: full-batch gradient descent with a fixed step (section 5.1)
    lr: float = 1e-4  # exercise 5.3: Adam, 1e-4, batch 256
    batch_size: int = 256
    epochs: int = 10
    weight_decay: float = 0.0
    dropout: float = 0.0
    label_smoothing: float = 0.0  # of the training loss only; the reported losses are plain cross-entropy
    scheduler: str = "none"
    patience: int = 0  # early stopping on the validation loss; 0 = off
    seed: int = 0
    device: str = "cpu"
    precision: str = "fp32"  # bf16: mixed precision (autocast), faster on CPUs with AVX512-BF16 and GPUs
    # Adversarial training: half of each batch replaced by FGSM copies at this epsilon (pixels); 0 = off
    adversarial_eps: float = 0.0

    def describe(self) -> str:
        batch = "full batch" if self.optimizer == "gd" else f"batch {self.batch_size}"
        return f"{self.model}, {self.optimizer} lr={self.lr:g}, {batch}, {self.device}, {self.precision}"


@dataclass(frozen=True)
class EpochMetrics:
    epoch: int
    train_loss: float
    train_error_pct: float
    val_loss: float
    val_error_pct: float
    epoch_s: float
    samples_per_s: float
    lr: float
    # How much longer the epoch's first batch took than the average of the others: one-off costs
    # (oneDNN / cuDNN kernel choice for each new shape, the allocator growing, lazy loading)
    # that the first epoch of a fresh process pays and that are not the learning's speed.
    warmup_s: float = 0.0


@dataclass
class TrainResult:
    model: nn.Module
    config: TrainConfig
    history: list[EpochMetrics] = field(default_factory=list)
    stopped: bool = False
    early_stopped: bool = False

    @property
    def final(self) -> EpochMetrics | None:
        return self.history[-1] if self.history else None


# --- the loop ---------------------------------------------------------------------------


def make_optimizer(config: TrainConfig, params) -> torch.optim.Optimizer:
    wd = config.weight_decay
    if config.optimizer in ("gd", "sgd"):
        return torch.optim.SGD(params, lr=config.lr, weight_decay=wd)
    if config.optimizer == "momentum":
        return torch.optim.SGD(params, lr=config.lr, momentum=0.9, nesterov=True, weight_decay=wd)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=wd, foreach=True)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=wd)
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=config.lr, weight_decay=wd)
    raise ValueError(f"unknown optimizer {config.optimizer!r}")


def make_scheduler(config: TrainConfig, optimizer, batches_per_epoch: int = 1):
    """onecycle steps every batch (warm up to lr, then anneal to ~0 by the last); the others every epoch."""
    if config.scheduler == "onecycle":
        # One step more than the batches: the last step lands on the minimum (torch's schedule turns
        # back up past its end). Too few batches for the two phases: a constant rate.
        total = config.epochs * batches_per_epoch + 1
        if total < 4:
            return None
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=config.lr, total_steps=total, pct_start=max(0.25, 2 / total)
        )
    if config.scheduler == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, config.epochs // 3), gamma=0.3)
    if config.scheduler == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, config.epochs))
    return None


def new_result(config: TrainConfig, model: nn.Module | None = None) -> TrainResult:
    """A fresh (seeded) network, or ``model`` to continue from, with an empty history."""
    torch.manual_seed(config.seed)
    return TrainResult(model if model is not None else nets.build(config.model, config.dropout), config)


PRECISIONS = ("fp32", "bf16")


def autocast(device: torch.device, precision: str):
    """bf16 mixed precision for the forward pass when asked; plain float32 otherwise."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")


def eval_batch(device: torch.device) -> int:
    """A GPU is launch-bound on small batches: evaluate in 20,000s there (5,000s keep CPU memory low)."""
    return 5000 if device.type == "cpu" else 20000


@torch.no_grad()
def evaluate(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, batch: int | None = None, precision: str = "fp32"
) -> tuple[float, float]:
    """(mean cross-entropy, error %) over the whole set, in eval mode."""
    model.eval()
    batch = batch or eval_batch(X.device)
    # Summed on the device (float64, as Python floats were) and read once: one host sync, not two a batch.
    loss_sum = torch.zeros((), dtype=torch.float64, device=X.device)
    wrong = torch.zeros((), dtype=torch.long, device=X.device)
    for s in range(0, len(X), batch):
        with autocast(X.device, precision):
            logits = model(X[s : s + batch]).float()
        loss_sum += nn.functional.cross_entropy(logits, y[s : s + batch], reduction="sum").double()
        wrong += (logits.argmax(1) != y[s : s + batch]).sum()
    return loss_sum.item() / len(X), 100.0 * wrong.item() / len(X)


def adversarial_mix(model: nn.Module, X: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """The batch with its first half replaced by FGSM copies (Goodfellow et al. 2014 mix clean and
    attacked images in the loss, so clean accuracy stays)."""
    from mnistlab.models.attacks import fgsm_batch_scaled

    half = len(X) // 2
    return torch.cat([fgsm_batch_scaled(model, X[:half], y[:half], eps), X[half:]])


def train_epoch(
    model: nn.Module,
    data: TensorData,
    config: TrainConfig,
    optimizer: torch.optim.Optimizer,
    scheduler,
    generator: torch.Generator,
    epoch: int,
    should_stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[int, int], None] | None = None,
    on_loss: Callable[[float, float], None] | None = None,
    loss_every: int = 20,
) -> tuple[float, float] | None:
    """One pass over the training tensors in batches of a fresh permutation drawn from ``generator``:
    (seconds, seconds of the first batch), or None when ``should_stop`` said so at a batch."""
    device = data.X_train.device
    n = len(data.X_train)
    batch = n if config.optimizer == "gd" else config.batch_size
    n_batches = (n + batch - 1) // batch
    synchronize(device)
    start = time.perf_counter()
    model.train()
    order = torch.randperm(n, generator=generator).to(device)
    first_batch_s = 0.0
    loss_sum = torch.zeros((), device=device)  # summed on the device: .item() would sync every batch
    for b in range(n_batches):
        if should_stop():
            return None
        idx = order[b * batch : (b + 1) * batch]
        inputs = data.X_train[idx]
        if config.adversarial_eps:
            inputs = adversarial_mix(model, inputs, data.y_train[idx], config.adversarial_eps)
        with autocast(device, config.precision):
            logits = model(inputs)
        loss = nn.functional.cross_entropy(
            logits.float(), data.y_train[idx], label_smoothing=config.label_smoothing
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler and config.scheduler == "onecycle":
            scheduler.step()
        if b == 0:  # one sync per epoch, to time the first batch
            synchronize(device)
            first_batch_s = time.perf_counter() - start
        if on_batch:
            on_batch(b + 1, n_batches)
        if on_loss:
            # The curve is plain cross-entropy, like the epoch's losses, whatever the training smooths.
            shown = loss.detach()
            if config.label_smoothing:
                shown = nn.functional.cross_entropy(logits.detach().float(), data.y_train[idx])
            loss_sum += shown
            if (b + 1) % loss_every == 0 or b + 1 == n_batches:
                on_loss(epoch - 1 + (b + 1) / n_batches, loss_sum.item() / (b + 1))
    synchronize(device)
    return time.perf_counter() - start, first_batch_s


def train(
    config: TrainConfig,
    data: TensorData,
    on_epoch: Callable[[EpochMetrics, TrainResult], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    model: nn.Module | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    result: TrainResult | None = None,
    on_loss: Callable[[float, float], None] | None = None,
    loss_every: int = 20,
) -> TrainResult:
    """The fit: ``config.epochs`` epochs (``train_epoch`` then ``evaluate`` on both parts), or until
    stopped; ``should_stop`` is checked at every batch.

    Pass ``result`` (see ``new_result``) to keep the model and history even if the caller is
    interrupted mid-epoch. ``on_loss(epochs_done, running_loss)`` gets the mean training loss of the
    epoch so far every ``loss_every`` batches, so a curve moves inside the first epoch.
    """
    result = result or new_result(config, model)
    device = resolve_device(config.device)
    model = result.model.to(device)
    if device.type == "cuda" and any(isinstance(m, nn.Conv2d) for m in model.modules()):
        # What cuDNN's fastest conv kernels expect (torch's stubs lack the memory_format overload).
        model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    optimizer = make_optimizer(config, model.parameters())
    n = len(data.X_train)
    batch = n if config.optimizer == "gd" else config.batch_size
    n_batches = (n + batch - 1) // batch
    scheduler = make_scheduler(config, optimizer, n_batches)
    generator = torch.Generator(device="cpu").manual_seed(config.seed)
    best_loss, stale = float("inf"), 0
    best_state: dict[str, torch.Tensor] | None = None
    for epoch in range(1, config.epochs + 1):
        start = time.perf_counter()
        timed = train_epoch(
            model,
            data,
            config,
            optimizer,
            scheduler,
            generator,
            epoch,
            should_stop,
            on_batch,
            on_loss,
            loss_every,
        )
        if timed is None:
            result.stopped = True
            return result
        train_s, first_batch_s = timed
        lr = optimizer.param_groups[0]["lr"]
        if scheduler and config.scheduler != "onecycle":
            scheduler.step()
        train_loss, train_err = evaluate(model, data.X_train, data.y_train, precision=config.precision)
        val_loss, val_err = evaluate(model, data.X_val, data.y_val, precision=config.precision)
        synchronize(device)
        others = (train_s - first_batch_s) / (n_batches - 1) if n_batches > 1 else first_batch_s
        metrics = EpochMetrics(
            epoch,
            train_loss,
            train_err,
            val_loss,
            val_err,
            time.perf_counter() - start,
            n / train_s,
            lr,
            max(0.0, first_batch_s - others),
        )
        result.history.append(metrics)
        if on_epoch:
            on_epoch(metrics, result)
        if config.patience:
            if val_loss < best_loss:
                best_loss, stale = val_loss, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                stale += 1
                if stale >= config.patience:
                    assert best_state is not None  # set at the first epoch with a finite validation loss
                    model.load_state_dict(best_state)  # keep the weights of the best validation loss
                    result.early_stopped = True
                    break
    return result


def as_config(value: TrainConfig | dict) -> TrainConfig:
    """A training's settings: the dataclass as it is, or its fields (a JSON file, a benchmark's table)."""
    return value if isinstance(value, TrainConfig) else TrainConfig(**value)
