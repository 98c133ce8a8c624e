"""The session's results table and its exports (CSV for spreadsheets, Markdown for slides)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

COLUMNS = ("page", "model", "features", "parameters", "training size", "test error (%)", "test NLL (sum)",
           "fit time (s)", "device")


@dataclass(frozen=True)
class ResultRow:
    """One fitted or trained model, as the Results page lists it (and as the run store keeps it)."""
    page: str
    model: str
    features: str
    parameters: str
    n_train: int
    test_error_pct: float | None
    test_nll: float | None = None      # summed over the test set; None where it is undefined (k-NN)
    fit_s: float | None = None
    device: str = "cpu"

    def identity(self) -> tuple:
        """The same model with the same settings is one row, however often a knob returns to it."""
        return (self.page, self.model, self.parameters, self.n_train, self.device)

    def as_table_row(self) -> dict:
        def num(value, digits):
            return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, digits)
        return dict(zip(COLUMNS, (self.page, self.model, self.features, self.parameters, self.n_train,
                                  num(self.test_error_pct, 2), num(self.test_nll, 1), num(self.fit_s, 3),
                                  self.device), strict=True))


def to_csv(rows: Sequence[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_markdown(rows: Sequence[dict]) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|")
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def notebook_comparison(reproduced: dict, printed: dict) -> list[dict]:
    """Every reproduced number beside what the notebook printed (where it printed one)."""
    out = []
    for key in sorted(k for k in reproduced if not k.startswith("notebook.")):
        value = reproduced[key]
        if not isinstance(value, int | float) or key.endswith(("seconds", "_s")):
            continue
        nb = printed.get(key)
        out.append({"result": key, "notebook printed": nb, "reproduced here": round(float(value), 4),
                    "difference": None if nb is None else round(float(value) - nb, 4)})
    return out
