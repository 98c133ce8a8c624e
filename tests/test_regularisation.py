import numpy as np

from mnistlab.data import problems
from mnistlab.models import regularisation
from mnistlab.ui.widgets import C_VALUES


def test_the_weights_grow_with_C_where_the_error_stays_flat(mnist_split):
    problem = problems.pair_2d(mnist_split)
    sweep = regularisation.c_sweep(problem, C_VALUES)
    norms = np.array(sweep.weight_norm)
    # Weaker penalty, larger weights, up to the unpenalised fit's (the classes overlap: it is finite).
    assert np.all(np.diff(norms) >= -1e-9) and norms[-1] > 2 * norms[0]
    one_image = 100 / len(problem.y_test)
    flat = sweep.flat_from(one_image)
    assert 1e-4 < flat <= 0.1  # below some small C the error moves; above it, it barely does
    errors = np.array(sweep.test_error_pct)
    assert abs(errors[0] - errors[-1]) > one_image
    assert np.ptp(errors[np.array(C_VALUES) >= flat]) <= 2 * one_image


def test_flat_from_finds_where_the_error_settles():
    sweep = regularisation.CSweep((0.01, 0.1, 1.0, 10.0), (40.0, 30.0, 26.0, 26.0), (0.1, 1.0, 2.0, 3.0))
    assert sweep.flat_from(0.5) == 1.0
    assert sweep.flat_from(20.0) == 0.01
