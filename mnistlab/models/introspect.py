"""Looking inside a trained network: its first layer's weights as pictures, the feature maps of one
input layer by layer, a saliency map for a class, and the last hidden layer as an embedding.

Every function works on the Sequential networks of ``mnistlab.models.nets`` in eval mode (batch-norm
uses its running statistics, dropout is off), so what is shown is what the network predicts with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.decomposition import PCA
from torch import nn


@dataclass(frozen=True)
class FeatureMap:
    name: str  # e.g. "block 1: conv 5x5 + batch-norm + ReLU"
    maps: np.ndarray = field(repr=False)  # (channels, height, width), or (units, 1, 1) for a dense layer


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _as_batch(model: nn.Module, x: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.array(x, dtype=np.float32).reshape(-1, 784), device=_device(model))


def conv_filters(model: nn.Module) -> np.ndarray | None:
    """The first convolution's kernels, (out_channels, kh, kw) for a one-channel input; None without one."""
    conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    if conv is None:
        return None
    return conv.weight.detach()[:, 0].float().cpu().numpy()


def input_weights(model: nn.Module) -> np.ndarray | None:
    """The first dense layer's weights on the 784 pixels as (units, 28, 28) images; None if it does not
    read the pixels directly (the CNN's first dense layer reads feature maps)."""
    first = next((m for m in model.modules() if isinstance(m, nn.Linear | nn.Conv2d)), None)
    if not isinstance(first, nn.Linear) or first.in_features != 784:
        return None
    return first.weight.detach().float().cpu().numpy().reshape(-1, 28, 28)


def _block_name(layers: list[nn.Module]) -> str:
    words = []
    for m in layers:
        if isinstance(m, nn.Conv2d):
            words.append(f"conv {m.kernel_size[0]}x{m.kernel_size[1]}")
        elif isinstance(m, nn.Linear):
            words.append(f"dense {m.in_features}->{m.out_features}")
        elif isinstance(m, nn.BatchNorm2d | nn.BatchNorm1d):
            words.append("batch-norm")
        elif isinstance(m, nn.ReLU):
            words.append("ReLU")
        elif isinstance(m, nn.MaxPool2d):
            words.append("max-pool")
    return " + ".join(words)


@torch.no_grad()
def feature_maps(model: nn.Module, x: np.ndarray) -> list[FeatureMap]:
    """What each block makes of one scaled input (784 values): the output after every ReLU, and after
    every pooling that follows one, until the output layer."""
    if not isinstance(model, nn.Sequential):
        raise TypeError("feature maps need a Sequential network (mnistlab.models.nets)")
    model.eval()
    h = _as_batch(model, x)[:1]
    out: list[FeatureMap] = []
    pending: list[nn.Module] = []
    layers = list(model)
    for i, layer in enumerate(layers):
        h = layer(h)
        if isinstance(layer, nn.Flatten | nn.Unflatten | nn.Dropout):
            continue
        pending.append(layer)
        follows_pool = i + 1 < len(layers) and isinstance(layers[i + 1], nn.MaxPool2d)
        if isinstance(layer, nn.ReLU | nn.MaxPool2d) and not (isinstance(layer, nn.ReLU) and follows_pool):
            maps = h[0].float().cpu().numpy()
            out.append(
                FeatureMap(
                    f"block {len(out) + 1}: {_block_name(pending)}",
                    maps if maps.ndim == 3 else maps.reshape(-1, 1, 1),
                )
            )
            pending = []
    return out


def saliency(model: nn.Module, x: np.ndarray, target: int) -> np.ndarray:
    """Gradient times input: how much each pixel's value pushed the class's logit, (784,).

    For a linear model the logit is w.x + b, so this is exactly w * x (pixel by pixel)."""
    model.eval()
    inp = _as_batch(model, x)[:1].clone().requires_grad_(True)
    logit = model(inp)[0, target]
    (grad,) = torch.autograd.grad(logit, inp)
    return (grad * inp).detach()[0].float().cpu().numpy()


def occlusion(
    model: nn.Module, x: np.ndarray, target: int, patch: int = 4, blank: float = -0.5
) -> np.ndarray:
    """How much the class's probability drops when a patch x patch square is blanked, (28, 28)."""
    model.eval()
    image = np.asarray(x, dtype=np.float32).reshape(28, 28)
    starts = range(0, 28, patch)
    batch = []
    for r in starts:
        for c in starts:
            hidden = image.copy()
            hidden[r : r + patch, c : c + patch] = blank
            batch.append(hidden.ravel())
    with torch.no_grad():
        p = torch.softmax(model(_as_batch(model, np.stack([image.ravel(), *batch]))), 1)[:, target]
    drops = (p[0] - p[1:]).float().cpu().numpy().reshape(len(starts), len(starts))
    return np.kron(drops, np.ones((patch, patch), dtype=np.float32))[:28, :28]


@torch.no_grad()
def last_hidden(model: nn.Module, X: np.ndarray, batch: int = 2000) -> np.ndarray:
    """The input of the output layer (the last hidden layer's activations), (n, units)."""
    model.eval()
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    seen: list[torch.Tensor] = []
    hook = last.register_forward_hook(lambda _m, inputs, _out: seen.append(inputs[0].float().cpu()))
    try:
        for s in range(0, len(X), batch):
            model(_as_batch(model, X[s : s + batch]))
    finally:
        hook.remove()
    return torch.cat(seen).numpy()


def hidden_embedding(model: nn.Module, X: np.ndarray) -> tuple[PCA, np.ndarray]:
    """PCA of the last hidden layer over ``X`` (the test images): the fitted PCA and the 2-D coordinates."""
    hidden = last_hidden(model, X)
    pca = PCA(2, random_state=0).fit(hidden)
    return pca, pca.transform(hidden)


def place(model: nn.Module, pca: PCA, x: np.ndarray) -> np.ndarray:
    """One input's position on a ``hidden_embedding`` map, (2,)."""
    return pca.transform(last_hidden(model, np.asarray(x).reshape(1, 784)))[0]
