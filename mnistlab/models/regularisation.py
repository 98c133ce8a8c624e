"""Where the regularisation knob C matters: one fit per C, the test error and the size of the weights.

On two PCA components the 7-vs-9 test error is flat over most of C's range (26.56 % from C = 0.03 to
31.6): the slider looks dead, and mostly is. The penalty ||w||^2 / 2C stands beside a log-loss summed
over 12,218 training points, so only a small C weighs on it: there the weights shrink (0.80 at C = 1,
0.32 at C = 1e-4 for 7 vs 9) and the error moves. The two classes overlap, so even without a penalty
the weights stay finite: above C ~ 1 nothing changes at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mnistlab.data.problems import Split
from mnistlab.models import classic, metrics


@dataclass(frozen=True)
class CSweep:
    Cs: tuple[float, ...]
    test_error_pct: tuple[float, ...]
    weight_norm: tuple[float, ...]  # Euclidean norm of the coefficients (the intercept is not penalised)

    def flat_from(self, tolerance_pct: float) -> float:
        """The smallest C from which the test error stays within ``tolerance_pct`` of its value at the
        largest C."""
        errors = np.asarray(self.test_error_pct)
        unsettled = np.flatnonzero(np.abs(errors - errors[-1]) > tolerance_pct)
        return self.Cs[unsettled[-1] + 1] if len(unsettled) else self.Cs[0]


def c_sweep(problem: Split, Cs: Sequence[float]) -> CSweep:
    """Logistic regression (the playground's settings) at every C."""
    errors, norms = [], []
    for C in Cs:
        model = classic.ModelChoice(family="logistic", C=C).build().fit(problem.X_train, problem.y_train)
        errors.append(metrics.error_pct(problem.y_test, model.predict(problem.X_test)))
        norms.append(float(np.linalg.norm(model.coef_)))
    return CSweep(tuple(Cs), tuple(errors), tuple(norms))
