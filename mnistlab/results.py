"""The session's results table and its exports (CSV for spreadsheets, Markdown for slides)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

COLUMNS = (
    "page",
    "model",
    "features",
    "parameters",
    "training size",
    "test error (%)",
    "test NLL (sum)",
    "fit time (s)",
    "device",
)


@dataclass(frozen=True)
class ResultRow:
    """One fitted or trained model, as the Results page lists it (and as the run store keeps it)."""

    page: str
    model: str
    features: str
    parameters: str
    n_train: int
    test_error_pct: float | None
    test_nll: float | None = None  # summed over the test set; None where it is undefined (k-NN)
    fit_s: float | None = None
    device: str = "cpu"
    dataset: str = "mnist"

    def identity(self) -> tuple:
        """The same model with the same settings on the same data is one row, however often a knob
        returns to it."""
        return (self.dataset, self.page, self.model, self.parameters, self.n_train, self.device)

    def as_table_row(self) -> dict:
        def num(value, digits):
            return (
                None
                if value is None or (isinstance(value, float) and math.isnan(value))
                else round(value, digits)
            )

        return dict(
            zip(
                COLUMNS,
                (
                    self.page,
                    self.model,
                    self.features,
                    self.parameters,
                    self.n_train,
                    num(self.test_error_pct, 2),
                    num(self.test_nll, 1),
                    num(self.fit_s, 3),
                    self.device,
                ),
                strict=True,
            )
        )


def to_csv(rows: Sequence[dict]) -> str:
    buffer = io.StringIO()
    # Only the table's columns: the page's own (which rows are pinned) stay on the page.
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_markdown(rows: Sequence[dict]) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def notebook_comparison(reproduced: dict, printed: dict, why: dict | None = None) -> list[dict]:
    """Every reproduced number beside what the notebook printed (where it printed one), and where they
    differ, by how many test images (for an error rate) and why."""
    out = []
    for key in sorted(k for k in reproduced if not k.startswith("notebook.")):
        value = reproduced[key]
        if not isinstance(value, int | float) or key.endswith(("seconds", "_s", ".n_test")):
            continue
        nb = printed.get(key)
        difference = None if nb is None else float(value) - nb
        reason = ""
        if difference is not None and abs(difference) > 1e-9:
            n_test = reproduced.get(key.rsplit(".", 1)[0] + ".n_test")
            if key.endswith("error_pct") and n_test:
                images = round(abs(difference) / 100 * n_test)
                reason = f"{images} test image{'s' if images != 1 else ''} of {n_test:,}. "
            reason += (why or {}).get(key, "")
        out.append(
            {
                "result": key,
                "notebook printed": nb,
                "reproduced here": round(float(value), 4),
                "difference": None if difference is None else round(difference, 4),
                "why": reason.strip(),
            }
        )
    return out


def blank_missing(rows: Sequence[dict]) -> list[dict]:
    """Rows for display: a value that does not exist (a k-NN's NLL, a result the notebook withheld) is a
    blank cell, not the word None. A column keeps one type: where blanks sit beside numbers, the numbers
    are written as text too (a column of floats and empty strings made pyarrow raise ArrowTypeError
    on every visit, and Streamlit fall back to a slow conversion)."""
    mixed = {
        k
        for k in {k for row in rows for k in row}
        if any(row.get(k) is None for row in rows) and any(row.get(k) is not None for row in rows)
    }
    return [{k: "" if v is None else (str(v) if k in mixed else v) for k, v in row.items()} for row in rows]
