"""The 2-D models trained epoch by epoch: the logistic map converges to the converged fit's boundary."""

import numpy as np
import pytest
import torch

from mnistlab.data import problems
from mnistlab.models import classic, stepwise_2d


@pytest.fixture(scope="module")
def pair(mnist_split):
    return problems.pair_2d(mnist_split)


def test_stepwise_logistic_ends_on_the_converged_fits_map(pair):
    bounds = classic.plane_bounds(pair.X_train)
    fitted = classic.logistic(1.0).fit(pair.X_train, pair.y_train)
    target = classic.probability_map(fitted, bounds, 80).p
    run = stepwise_2d.start(stepwise_2d.StepConfig("logistic", C=1.0))
    start = stepwise_2d.probability_map(stepwise_2d.at_epoch(run, 0), bounds, 80).p
    for _ in range(40):  # the step decays as 1 / (1 + epoch / 10): about 40 epochs to settle
        stepwise_2d.step(run, pair.X_train, pair.y_train, pair.X_test, pair.y_test)
    learnt = stepwise_2d.probability_map(stepwise_2d.at_epoch(run, run.epochs), bounds, 80).p
    assert np.abs(start - target).max() > 0.2  # it did have something to learn
    assert np.abs(learnt - target).max() < 0.02  # P within 2 points everywhere on the plane
    assert ((learnt > 0.5) != (target > 0.5)).mean() < 0.005  # the same side of the boundary
    errors = [p.test_error_pct for p in run.history]
    sk_error = 100 * np.mean(fitted.predict(pair.X_test) != pair.y_test)
    assert abs(errors[-1] - sk_error) < 0.5


def test_every_epoch_can_be_revisited_and_the_hidden_units_have_maps(pair):
    run = stepwise_2d.start(stepwise_2d.StepConfig("mlp", hidden=8, lr=0.01))
    sub = slice(0, 2000)
    for _ in range(3):
        stepwise_2d.step(run, pair.X_train[sub], pair.y_train[sub], pair.X_test[sub], pair.y_test[sub])
    assert run.epochs == 3 and len(run.snapshots) == 4
    bounds = classic.plane_bounds(pair.X_train)
    first, last = (stepwise_2d.probability_map(stepwise_2d.at_epoch(run, e), bounds, 30).p for e in (1, 3))
    assert not np.allclose(first, last)
    model = stepwise_2d.at_epoch(run, 3)
    units = stepwise_2d.hidden_unit_maps(model, bounds, 20)
    assert units.shape == (8, 20, 20)
    corner = torch.tensor([[bounds[0], bounds[2]]], dtype=torch.float32)
    np.testing.assert_allclose(units[:, 0, 0], torch.relu(model[0](corner))[0].detach().numpy(), rtol=1e-5)
    assert stepwise_2d.hidden_unit_maps(stepwise_2d.at_epoch(run, 0), bounds, 20).shape == (8, 20, 20)


def test_unknown_settings_are_refused_clearly():
    with pytest.raises(ValueError, match="logistic or mlp"):
        stepwise_2d.start(stepwise_2d.StepConfig("tree"))
    with pytest.raises(ValueError, match="unknown activation"):
        stepwise_2d.start(stepwise_2d.StepConfig("mlp", activation="swish"))
