"""Adversarial digits: FGSM and its iterative form (BIM / PGD), untargeted and targeted.

Attacks work in pixel units, images in [0, 1] (pixel / 255), as the published references measure
epsilon. The networks see the notebook's scaled inputs: ``PixelModel`` puts the training split's
MinMax scaling (to (-0.5, 0.5), clipped to that range as ``inference.model_input`` does) in front of
a network, so the gradient is taken with respect to the pixels themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from mnistlab.data import problems
from mnistlab.data.problems import SCALE_RANGE

EPSILONS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)

# Published references for the accuracy-versus-epsilon curve (FGSM, pixel units of [0, 1]).
# The PyTorch tutorial "Adversarial Example Generation" (LeNet on MNIST, test accuracy %):
PYTORCH_TUTORIAL_FGSM = dict(zip(EPSILONS, (98.1, 94.3, 85.1, 68.3, 43.0, 20.8, 8.7), strict=True))
# Goodfellow, Shlens and Szegedy 2014, "Explaining and harnessing adversarial examples": a shallow
# softmax classifier misclassifies 99.9 % of the MNIST test set at epsilon 0.25.
GOODFELLOW_SOFTMAX_ERROR_PCT = {0.25: 99.9}


class PixelModel(nn.Module):
    """A network on scaled inputs, fed pixels in [0, 1]: x = clip(p * 255 * scale + min, -0.5, 0.5)."""

    scale: torch.Tensor
    shift: torch.Tensor

    def __init__(self, net: nn.Module, scaler) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("scale", torch.as_tensor(scaler.scale_ * 255.0, dtype=torch.float32))
        self.register_buffer("shift", torch.as_tensor(scaler.min_, dtype=torch.float32))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.net(torch.clamp(pixels * self.scale + self.shift, *SCALE_RANGE))


def linear_model(coef: np.ndarray, intercept: np.ndarray) -> nn.Module:
    """A fitted linear classifier (scikit-learn's ``coef_``, ``intercept_``) as a torch layer; a binary
    one (one row) becomes two logits, 0 and w.x + b, whose softmax is its logistic probability."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float32))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float32))
    if coef.shape[0] == 1:
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept]).astype(np.float32)
    layer = nn.Linear(coef.shape[1], coef.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(coef))
        layer.bias.copy_(torch.from_numpy(intercept))
    return layer


def _as_tensor(a, dtype=torch.float32, device="cpu") -> torch.Tensor:
    return torch.as_tensor(np.asarray(a), dtype=dtype, device=device)


def _step_direction(model: nn.Module, pixels: torch.Tensor, labels: torch.Tensor, targeted: bool):
    """The sign of the loss gradient: up the true class's loss, or down the target class's."""
    pixels = pixels.detach().requires_grad_(True)
    logits = model(pixels).float()
    # The cross-entropy's gradient with respect to the logits, softmax - one-hot, with the labelled
    # class's entry written as minus the others' sum: 1 - p rounds to 0 in float32 once p > 1 - 6e-8,
    # and a confidently right image would then get no step at all (the autograd path does exactly that).
    with torch.no_grad():
        dlogits = torch.softmax(logits, 1)
        dlogits.scatter_(1, labels[:, None], 0.0)
        dlogits.scatter_(1, labels[:, None], -dlogits.sum(1, keepdim=True))
    (grad,) = torch.autograd.grad(logits, pixels, grad_outputs=dlogits)
    return -grad.sign() if targeted else grad.sign()


def _model_device(model: nn.Module) -> torch.device:
    return next(iter(model.parameters())).device


def fgsm(model: nn.Module, pixels, labels, eps: float, target=None) -> np.ndarray:
    """One step of size ``eps`` along the gradient's sign (Goodfellow et al. 2014), clipped to [0, 1].

    Untargeted: away from ``labels``; targeted (``target`` given): towards ``target``."""
    model.eval()
    device = _model_device(model)
    p = _as_tensor(pixels, device=device)
    aim = _as_tensor(labels if target is None else target, torch.long, device)
    step = _step_direction(model, p, aim, target is not None)
    return torch.clamp(p + eps * step, 0.0, 1.0).cpu().numpy()


def pgd(
    model: nn.Module,
    pixels,
    labels,
    eps: float,
    steps: int = 10,
    step_size: float | None = None,
    target=None,
) -> np.ndarray:
    """The iterative attack (BIM, Kurakin et al. 2016; PGD without a random start, Madry et al. 2017):
    small sign steps, each projected back into the L-infinity ball of radius ``eps`` and into [0, 1]."""
    model.eval()
    device = _model_device(model)
    start = _as_tensor(pixels, device=device)
    aim = _as_tensor(labels if target is None else target, torch.long, device)
    alpha = step_size if step_size is not None else 2.5 * eps / max(1, steps)
    p = start.clone()
    for _ in range(steps):
        p = p + alpha * _step_direction(model, p, aim, target is not None)
        p = torch.clamp(torch.minimum(torch.maximum(p, start - eps), start + eps), 0.0, 1.0)
    return p.detach().cpu().numpy()


ATTACKS: dict[str, Callable[..., np.ndarray]] = {"fgsm": fgsm, "pgd": pgd}


@torch.no_grad()
def predict(model: nn.Module, pixels) -> np.ndarray:
    """Class probabilities of pixel images (n, 784)."""
    model.eval()
    return torch.softmax(model(_as_tensor(pixels, device=_model_device(model))), 1).cpu().numpy()


@dataclass(frozen=True)
class Flip:
    """The smallest epsilon (on a grid) at which the attack changes the answer (or reaches the target)."""

    eps: float | None  # None: not within the grid
    image: np.ndarray  # the attacked pixels at that epsilon (or at the largest tried)
    label: int  # the model's answer on it
    proba: np.ndarray


def smallest_flip(
    model: nn.Module,
    pixels: np.ndarray,
    label: int,
    attack: str = "fgsm",
    target: int | None = None,
    grid: Sequence[float] = tuple(np.round(np.arange(0.01, 0.505, 0.01), 2)),
) -> Flip:
    """Scan ``grid`` upwards for one image (784,) until the model no longer says ``label`` (or says
    ``target``); every epsilon of the grid is tried in one batch (FGSM) or one run per epsilon (PGD)."""
    one = np.asarray(pixels, dtype=np.float32).reshape(1, -1)
    tried = []
    for eps in grid:
        kw = {} if target is None else {"target": [target]}
        adv = ATTACKS[attack](model, one, [label], float(eps), **kw)
        proba = predict(model, adv)[0]
        answer = int(np.argmax(proba))
        tried.append((float(eps), adv[0], answer, proba))
        if (answer == target) if target is not None else (answer != label):
            return Flip(float(eps), adv[0], answer, proba)
    eps, image, answer, proba = tried[-1]
    return Flip(None, image, answer, proba)


def accuracy_curve(
    model: nn.Module,
    pixels: np.ndarray,
    labels: np.ndarray,
    epsilons: Sequence[float] = EPSILONS,
    attack: str = "fgsm",
    batch: int = 2000,
    progress: Callable[[str, float], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> dict[float, float]:
    """Accuracy % of ``model`` on attacked copies of (pixels, labels) at each epsilon (untargeted).

    Returns what is done so far if ``should_stop`` says so."""
    out: dict[float, float] = {}
    for i, eps in enumerate(epsilons):
        right = 0
        for s in range(0, len(labels), batch):
            if should_stop():
                return out
            p, y = pixels[s : s + batch], labels[s : s + batch]
            adv = p if eps == 0 else ATTACKS[attack](model, p, y, float(eps))
            right += int((predict(model, adv).argmax(1) == np.asarray(y)).sum())
        out[float(eps)] = 100.0 * right / len(labels)
        if progress:
            progress(f"epsilon {eps:g}: accuracy {out[float(eps)]:.1f} %", (i + 1) / len(epsilons))
    return out


def fgsm_batch_scaled(model: nn.Module, X: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """FGSM on a batch of already scaled inputs, for adversarial training: ``eps`` is in pixel units,
    which equal scaled units for the pixels whose training maximum is 255 (nearly all inked ones)."""
    X = X.detach().requires_grad_(True)
    was_training = model.training
    model.eval()  # batch-norm statistics are not moved by the attack's forward pass
    loss = nn.functional.cross_entropy(model(X).float(), y)
    (grad,) = torch.autograd.grad(loss, X)
    model.train(was_training)
    return torch.clamp(X + eps * grad.sign(), *SCALE_RANGE).detach()


# --- a model to attack, as the CLI and the references measure it -----------------------------

# The CLI's --model names: the shallow softmax of Goodfellow et al. is the notebook's linear network.
ATTACK_MODELS = {"logistic": "linear", "mlp": "mlp", "cnn": "cnn", "fast": "fast"}


def attack_config(model: str, adversarial_eps: float = 0.0, epochs: int | None = None, seed: int = 0):
    """The training settings of an attacked model: the default model's for the MLP (so that without
    adversarial training the cached default is the very model attacked), the presets' for the others."""
    from mnistlab.models import nets, training, weights

    net = ATTACK_MODELS[model]
    if net == "mlp":
        base = asdict(weights.DEFAULT_CONFIG)
    else:
        base = asdict(training.TrainConfig(model=net)) | nets.PRESET_DEFAULTS | nets.PRESETS[net]
    base |= dict(model=net, seed=seed, adversarial_eps=adversarial_eps)
    if epochs is not None:
        base["epochs"] = epochs
    return training.TrainConfig(**base)


def robustness(
    model: str,
    dataset: str,
    split,
    epsilons: Sequence[float] = EPSILONS,
    attack: str = "fgsm",
    adversarial_eps: float = 0.0,
    epochs: int | None = None,
    n_test: int | None = None,
    progress: Callable[[str, float | None], None] = lambda message, fraction: None,
) -> dict:
    """Train (or load the cached default of) ``model``, then its test accuracy under ``attack`` at each
    epsilon. ``split`` is the raw uint8 split (``problems.full_split``)."""
    from mnistlab.models import training, weights

    config = attack_config(model, adversarial_eps, epochs)
    scaled = problems.ten_classes(split)
    if config == weights.DEFAULT_CONFIG:
        net, _ = weights.default_model(dataset, scaled, progress=progress)
        trained = "the cached default model"
    else:
        progress(f"Training {config.describe()}, {config.epochs} epochs", 0.0)
        result = training.train(
            config,
            problems.to_tensors(scaled),
            on_epoch=lambda m, r: progress(
                f"epoch {m.epoch}/{config.epochs}: test error {m.val_error_pct:.2f} %",
                m.epoch / config.epochs,
            ),
        )
        net = result.model.cpu().eval()
        trained = f"trained here, {len(result.history)} epochs"
    pixel_model = PixelModel(net.float(), problems.fit_scaler(split.X_train)).eval()
    n = len(split.y_test) if n_test is None else min(n_test, len(split.y_test))
    curve = accuracy_curve(
        pixel_model,
        split.X_test[:n] / np.float32(255),
        split.y_test[:n].astype(np.int64),
        epsilons,
        attack,
        progress=progress,
    )
    return {
        "model": model,
        "network": config.model,
        "config": asdict(config),
        "trained": trained,
        "attack": attack,
        "n_test": n,
        "split": "test",
        "accuracy_pct": {f"{eps:g}": round(acc, 2) for eps, acc in curve.items()},
        "reference_pytorch_tutorial_lenet_fgsm_pct": {f"{e:g}": a for e, a in PYTORCH_TUTORIAL_FGSM.items()},
        "reference_goodfellow_2014_softmax_error_pct": {
            f"{e:g}": a for e, a in GOODFELLOW_SOFTMAX_ERROR_PCT.items()
        },
    }
