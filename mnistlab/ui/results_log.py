"""Every model fitted or trained by this student, from any page: kept in the session for the Results
page and, once the student has a name, in the run store (so a reload, a closed tab or a replica that
dies loses nothing, and the class board can show it)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from mnistlab.results import ResultRow
from mnistlab.store import NewRun, Run, StoreUnavailable
from mnistlab.ui import identity, keys

# The Results table's page titles -> (the page's URL path, the class board's task).
PAGES = {
    "Binary 2-D": ("binary_2d", "binary_2d"),
    "Binary, 784 pixels": ("binary_784", "binary_784"),
    "Ten classes": ("multiclass", "ten_classes"),
    "Train with PyTorch": ("training", "ten_classes"),
}


def record(
    row: ResultRow, *, curves: dict | None = None, weights: Any = None, task: str | None = None
) -> None:
    """Add (or refresh) one result; the same model with the same settings appears once, and is stored once."""
    log = st.session_state.setdefault(keys.RESULTS_LOG, {})
    new = log.pop(row.identity(), None) is None  # re-inserted: as recent as its latest fit
    log[row.identity()] = row
    if new:
        _store(row, curves, weights, task)


def _store(row: ResultRow, curves: dict | None, weights: Any, task: str | None) -> None:
    store = identity.shared_store()
    student = identity.current_student(store)
    if store is None or student is None or row.page not in PAGES:
        return
    page, default_task = PAGES[row.page]
    settings = {k: v for k, v in st.query_params.to_dict().items() if k != identity.TOKEN_PARAM}
    run = NewRun(
        page=page,
        task=task or default_task,
        model=row.model,
        settings=settings,
        dataset=st.session_state.get(keys.DATASET, "mnist"),
        metrics={
            "test_error_pct": row.test_error_pct,
            "test_nll": row.test_nll,
            "n_train": row.n_train,
            "features": row.features,
            "parameters": row.parameters,
        },
        curves=curves,
        device=row.device,
        timings={"fit_s": row.fit_s},
    )
    try:
        saved = store.save_run(student.token, student.name, run, weights=weights)
        if saved.note:
            st.toast(saved.note, icon=":material/database:")
    except StoreUnavailable as exc:
        st.toast(f"{exc}", icon=":material/cloud_off:")


def stored_row(run: Run) -> ResultRow:
    """A stored run as a Results row (the page title from its URL path)."""
    title = next((t for t, (path, _) in PAGES.items() if path == run.page), run.page)
    m = run.metrics
    return ResultRow(
        page=title,
        model=run.model,
        features=m.get("features", ""),
        parameters=m.get("parameters", ""),
        n_train=m.get("n_train", 0),
        test_error_pct=m.get("test_error_pct"),
        test_nll=m.get("test_nll"),
        fit_s=(run.timings or {}).get("fit_s"),
        device=run.device,
    )


def stored_runs() -> list[Run]:
    """This student's runs in the store, newest first ([] without a name or a database)."""
    store = identity.shared_store()
    student = identity.current_student(store)
    if store is None or student is None:
        return []
    try:
        return store.runs_of(student.token)
    except StoreUnavailable as exc:
        st.warning(f"{exc} Showing this session's results only.")
        return []


def rows() -> list[dict]:
    """This session's results, newest first (what the class just saw is at the top), then earlier ones
    from the store (a reload, another day), each once."""
    session = list(reversed(st.session_state.get(keys.RESULTS_LOG, {}).values()))
    seen = {r.identity() for r in session}
    earlier = [r for r in map(stored_row, stored_runs()) if r.identity() not in seen]
    return [r.as_table_row() for r in [*session, *earlier]]
