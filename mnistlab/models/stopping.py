"""A Stop that reaches inside one scikit-learn fit: one fit of the 784-pixel MLP runs for a minute."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from sklearn.neural_network import MLPClassifier

ShouldStop = Callable[[], bool]


def never() -> bool:
    return False


class Stopped(Exception):
    """Raised inside a computation when its ``should_stop`` said so."""


@contextlib.contextmanager
def stoppable(model, should_stop: ShouldStop):
    """Let a Stop interrupt an MLPClassifier inside its fit, at the next minibatch. The fit's own
    computation is untouched (same weights when it is not stopped); a stopped fit raises ``Stopped``
    and its model is discarded. Other estimators are yielded as they are."""
    net = model.steps[-1][1] if hasattr(model, "steps") else model
    if not isinstance(net, MLPClassifier):
        yield model
        return
    backprop = net._backprop  # noqa: SLF001 (the one call every minibatch goes through)

    def checked(*args, **kwargs):
        if should_stop():
            raise Stopped
        return backprop(*args, **kwargs)

    net._backprop = checked  # noqa: SLF001
    try:
        yield model
    finally:
        del net._backprop  # back to the class's method, so the model pickles
