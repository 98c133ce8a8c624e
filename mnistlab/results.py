"""The session's results table and its exports (CSV for spreadsheets, Markdown for slides)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

COLUMNS = ("page", "model", "features", "parameters", "training size", "test error (%)", "test NLL (sum)",
           "fit time (s)", "device")


def row(page: str, model: str, features: str, parameters: str, n_train: int, test_error_pct: float,
        test_nll: float | None = None, fit_s: float | None = None, device: str = "cpu") -> dict:
    def num(value, digits):
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, digits)
    return dict(zip(COLUMNS, (page, model, features, parameters, n_train, num(test_error_pct, 2), num(test_nll, 1),
                              num(fit_s, 3), device), strict=True))


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
