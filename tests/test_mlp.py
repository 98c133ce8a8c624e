import numpy as np

from mnistlab.data import problems
from mnistlab.models import mlp_epochs


def test_epoch_training_reports_stops_and_scores(mnist_split):
    s = problems.scale(problems.Split(mnist_split.X_train[:600], mnist_split.y_train[:600],
                              mnist_split.X_test[:200], mnist_split.y_test[:200]), dtype=np.float32)
    model = mlp_epochs.notebook_mlp(hidden=(32,))
    seen = []
    log = mlp_epochs.fit_by_epoch(model, s.X_train, s.y_train, on_epoch=lambda e, lg: seen.append(e),
                           should_stop=lambda: len(seen) >= 3)
    assert seen == [1, 2, 3] and log.stopped and not log.converged
    assert log.losses[2] < log.losses[0]
    # Continuing the same model keeps the optimiser's progress.
    mlp_epochs.fit_by_epoch(model, s.X_train, s.y_train, log=log, should_stop=lambda: len(log.losses) >= 6)
    assert len(log.losses) == 6 and log.losses[5] < log.losses[2]
    scores = mlp_epochs.score(model, s.X_test, s.y_test)
    assert 0 < scores["test_error_pct"] < 50 and scores["test_nll"] > 0


def test_convergence_rule():
    model = mlp_epochs.notebook_mlp()
    flat = [1.0, 0.5] + [0.5] * model.n_iter_no_change
    assert mlp_epochs.has_converged(flat, model)
    assert not mlp_epochs.has_converged([1.0 / (i + 1) for i in range(20)], model)
