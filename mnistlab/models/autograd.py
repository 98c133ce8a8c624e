"""Exercise 4.1: a gradient by autograd, checked against the formula."""

from __future__ import annotations

import numpy as np
import torch


def autograd_check(x: np.ndarray) -> dict:
    """z = sum((x + exp(x))^2): the gradient by backward() and by the formula 2y(1 + exp(x))."""
    t = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = t + torch.exp(t)
    z = (y**2).sum()
    z.backward()
    analytic = (2 * y * (1 + torch.exp(t))).detach().numpy()
    grad = t.grad
    assert grad is not None  # backward() has filled it
    autograd = grad.numpy()
    return {
        "x": t.detach().numpy(),
        "autograd": autograd,
        "analytic": analytic,
        "max_abs_diff": float(np.max(np.abs(autograd - analytic))),
    }
