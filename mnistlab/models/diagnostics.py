"""Where a classifier goes wrong on the test set: its most confident mistakes, the per-class report
(precision, recall, F1, as scikit-learn's ``classification_report``), and two models compared on the
same test images."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def test_proba(model, X: np.ndarray, batch: int = 1000) -> np.ndarray:
    """Class probabilities, (n, classes), of any classifier: an estimator or a torch network (wrapped as
    a ``TorchClassifier``, ``batch`` images at a time), in float64."""
    from mnistlab.models import inference  # torch only when a page asks for probabilities

    return np.asarray(inference.as_estimator(model, batch).predict_proba(X), dtype=np.float64)


def confident_mistakes(proba: np.ndarray, y_true: np.ndarray, k: int = 24) -> np.ndarray:
    """Indices of the ``k`` wrong predictions made with the highest probability, most confident first."""
    pred = proba.argmax(1)
    wrong = np.flatnonzero(pred != y_true)
    confidence = proba[wrong, pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[:k]]


@dataclass(frozen=True)
class ClassReport:
    precision: np.ndarray = field(repr=False)  # (classes,)
    recall: np.ndarray = field(repr=False)
    f1: np.ndarray = field(repr=False)
    support: np.ndarray = field(repr=False)  # test images of each true class
    accuracy: float = 0.0

    def rows(self, names) -> list[dict]:
        scores = {"precision": self.precision, "recall": self.recall, "F1": self.f1}
        rows = [
            {
                "class": str(names[c]),
                **{k: float(v[c]) for k, v in scores.items()},
                "test images": int(self.support[c]),
            }
            for c in range(len(self.support))
        ]
        n = int(self.support.sum())
        for label, weights in (("macro average", None), ("weighted average", self.support)):
            averages = {k: float(np.average(v, weights=weights)) for k, v in scores.items()}
            rows.append({"class": label, **averages, "test images": n})
        return rows


def class_report(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> ClassReport:
    """Per-class precision, recall and F1 from the confusion counts (0 where a class is never predicted,
    as scikit-learn's ``zero_division=0``)."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true, dtype=np.intp), np.asarray(y_pred, dtype=np.intp)), 1)
    hits = np.diag(counts).astype(float)
    predicted, support = counts.sum(0), counts.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, hits / predicted, 0.0)
        recall = np.where(support > 0, hits / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return ClassReport(precision, recall, f1, support, float(hits.sum() / max(1, support.sum())))


@dataclass(frozen=True)
class Comparison:
    both_right: int
    only_a: np.ndarray = field(repr=False)  # indices that model A gets right and model B not
    only_b: np.ndarray = field(repr=False)
    both_wrong: int = 0

    def per_class(self, y_true: np.ndarray, n_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(only A right, only B right) counted by true class."""
        return (
            np.bincount(y_true[self.only_a], minlength=n_classes),
            np.bincount(y_true[self.only_b], minlength=n_classes),
        )


def compare(y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> Comparison:
    """Two models on the same test images: which ones each gets right and the other not."""
    right_a, right_b = pred_a == y_true, pred_b == y_true
    return Comparison(
        int((right_a & right_b).sum()),
        np.flatnonzero(right_a & ~right_b),
        np.flatnonzero(right_b & ~right_a),
        int((~right_a & ~right_b).sum()),
    )


def cell(y_true: np.ndarray, y_pred: np.ndarray, true_class: int, predicted: int) -> np.ndarray:
    """Indices of the test images in one confusion-matrix cell."""
    return np.flatnonzero((y_true == true_class) & (y_pred == predicted))
