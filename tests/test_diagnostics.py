"""Where it goes wrong: confident mistakes, the per-class report (== scikit-learn's), two models compared."""

import numpy as np
import pytest
from sklearn.metrics import classification_report

from mnistlab.models import diagnostics


def random_predictions(seed: int, n: int = 500, never: int | None = None):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    proba = rng.dirichlet(np.ones(10) * 0.3, n)
    proba[np.arange(n), y] += rng.random(n)  # right more often than chance
    if never is not None:
        proba[:, never] = 0  # one class is never predicted
    return y, proba / proba.sum(1, keepdims=True)


@pytest.mark.parametrize("never", [None, 3])
def test_class_report_equals_scikit_learns(never):
    y, proba = random_predictions(0, never=never)
    pred = proba.argmax(1)
    ours = diagnostics.class_report(y, pred)
    theirs = classification_report(y, pred, labels=range(10), output_dict=True, zero_division=0)
    for c in range(10):
        row = theirs[str(c)]
        assert ours.precision[c] == pytest.approx(row["precision"])
        assert ours.recall[c] == pytest.approx(row["recall"])
        assert ours.f1[c] == pytest.approx(row["f1-score"])
        assert ours.support[c] == row["support"]
    rows = {r["class"]: r for r in ours.rows([str(c) for c in range(10)])}
    for ours_name, theirs_name in (("macro average", "macro avg"), ("weighted average", "weighted avg")):
        assert rows[ours_name]["F1"] == pytest.approx(theirs[theirs_name]["f1-score"])
        assert rows[ours_name]["precision"] == pytest.approx(theirs[theirs_name]["precision"])
    assert ours.accuracy == pytest.approx(theirs["accuracy"])


def test_confident_mistakes_are_wrong_and_the_most_confident_first():
    y, proba = random_predictions(1)
    pred = proba.argmax(1)
    picked = diagnostics.confident_mistakes(proba, y, k=10)
    assert len(picked) == 10 and (pred[picked] != y[picked]).all()
    confidence = proba[picked, pred[picked]]
    assert (np.diff(confidence) <= 0).all()
    others = np.setdiff1d(np.flatnonzero(pred != y), picked)
    assert proba[others, pred[others]].max() <= confidence.min()


def test_no_mistakes_gives_an_empty_gallery():
    y = np.arange(10)
    assert len(diagnostics.confident_mistakes(np.eye(10), y)) == 0


def test_two_models_compared_on_the_same_images():
    y, proba_a = random_predictions(2)
    _, proba_b = random_predictions(3)
    a, b = proba_a.argmax(1), proba_b.argmax(1)
    cmp = diagnostics.compare(y, a, b)
    assert cmp.both_right + len(cmp.only_a) + len(cmp.only_b) + cmp.both_wrong == len(y)
    assert (a[cmp.only_a] == y[cmp.only_a]).all() and (b[cmp.only_a] != y[cmp.only_a]).all()
    assert (b[cmp.only_b] == y[cmp.only_b]).all() and (a[cmp.only_b] != y[cmp.only_b]).all()
    # Accuracy difference = (only A right) - (only B right).
    assert (a == y).sum() - (b == y).sum() == len(cmp.only_a) - len(cmp.only_b)
    per_a, per_b = cmp.per_class(y)
    assert per_a.sum() == len(cmp.only_a) and per_b.sum() == len(cmp.only_b)


def test_a_confusion_cell_holds_its_images():
    y, proba = random_predictions(4)
    pred = proba.argmax(1)
    idx = diagnostics.cell(y, pred, 2, 5)
    assert ((y[idx] == 2) & (pred[idx] == 5)).all()
    assert len(idx) == int(((y == 2) & (pred == 5)).sum())
