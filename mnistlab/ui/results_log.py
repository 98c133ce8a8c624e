"""Every model fitted or trained by this student, from any page, as one ``RunRecord`` each: recorded
here once, to the session (for the Results page, the training page's table and the models other pages
offer) and, once the student has a name, to the run store (so a reload, a closed tab or a replica that
dies loses nothing, and the class board can show it)."""

from __future__ import annotations

import streamlit as st

from mnistlab import navigation
from mnistlab.records import RunRecord
from mnistlab.results import ResultRow
from mnistlab.store import NewRun, Run, StoreUnavailable
from mnistlab.ui import identity, keys

# On a projector the table shows what the lesson compares, every column readable without scrolling
# sideways (the downloads keep them all).
PRESENTER_COLUMNS = ("pinned", "page", "model", "training size", "test error (%)")


def record(run: RunRecord) -> None:
    """Add (or refresh) one result; the same model with the same settings appears once, and is stored once."""
    log = st.session_state.setdefault(keys.RESULTS_LOG, {})
    new = log.pop(run.identity(), None) is None  # re-inserted: as recent as its latest fit
    log[run.identity()] = run
    if new:
        _store(run)


def records(page: str | None = None, dataset: str | None = None) -> list[RunRecord]:
    """This session's records, oldest first, of one page and one dataset where given."""
    kept = st.session_state.get(keys.RESULTS_LOG, {}).values()
    return [r for r in kept if (page is None or r.page == page) and (dataset is None or r.dataset == dataset)]


def _store(run: RunRecord) -> None:
    store = identity.shared_store()
    student = identity.current_student(store)
    task = run.board_task
    if store is None or student is None or task is None:
        return
    settings = {k: v for k, v in st.query_params.to_dict().items() if k != identity.TOKEN_PARAM}
    metrics = {
        "test_error_pct": run.test_error_pct,
        "test_nll": run.test_nll,
        "n_train": run.n_train,
        "features": run.features,
        "parameters": run.parameters,
    }
    network = getattr(run.config, "model", None)
    if run.network is not None and isinstance(network, str):
        metrics["network"] = network  # which network the stored weights fit
    new_run = NewRun(
        page=run.page,
        task=task,
        model=run.model,
        settings=settings,
        dataset=run.dataset,
        metrics=metrics,
        curves=run.curves,
        device=run.device,
        timings={"fit_s": run.fit_s},
    )
    try:
        saved = store.save_run(student.token, student.name, new_run, weights=run.network)
        if saved.note:
            st.toast(saved.note, icon=":material/database:")
    except StoreUnavailable as exc:
        st.toast(f"{exc}", icon=":material/cloud_off:")


def stored_row(run: Run) -> ResultRow:
    """A stored run as a Results row (the page's name from its URL path)."""
    page = navigation.BY_PATH.get(run.page)
    m = run.metrics
    return ResultRow(
        page=page.name if page else run.page,
        model=run.model,
        features=m.get("features", ""),
        parameters=m.get("parameters", ""),
        n_train=m.get("n_train", 0),
        test_error_pct=m.get("test_error_pct"),
        test_nll=m.get("test_nll"),
        fit_s=(run.timings or {}).get("fit_s"),
        device=run.device,
        dataset=run.dataset,
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


def _ordered() -> tuple[list[ResultRow], set[tuple], list[Run]]:
    """This session's results, newest first, then earlier ones from the store, each once; the pinned
    identities (this session's pins and the store's); the stored runs."""
    session = [r.result_row() for r in reversed(records())]
    seen = {r.identity() for r in session}
    stored = stored_runs()
    earlier = [r for r in map(stored_row, stored) if r.identity() not in seen]
    pinned = st.session_state.setdefault(keys.PINNED, set()) | {
        stored_row(run).identity() for run in stored if run.pinned
    }
    return [*session, *earlier], pinned, stored


def rows() -> list[dict]:
    """Pinned rows first (what the lesson is about), then the rest newest first (what the class just saw
    is at the top); within each, this session's results before earlier ones from the store."""
    ordered, pinned, _ = _ordered()
    ordered.sort(key=lambda r: r.identity() not in pinned)  # stable: newest first within each group
    return [{"pinned": r.identity() in pinned, **r.as_table_row()} for r in ordered]


def pin_controls() -> None:
    """Which rows stay at the top for the lesson: kept in the session and, with a name, in the store."""
    ordered, pinned, stored = _ordered()
    labels = {r.identity(): f"{r.page}: {r.model}" for r in ordered}
    repeated = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    for r in ordered:  # the same model on two devices or training sizes: say which
        if labels[r.identity()] in repeated:
            labels[r.identity()] += f" ({r.n_train:,} images, {r.device})"
    chosen = st.multiselect(
        "Pinned for the lesson",
        list(labels),
        default=[i for i in labels if i in pinned],
        format_func=labels.__getitem__,
        key=keys.PIN_CHOICE,
        placeholder="Pin rows to keep them at the top",
    )
    if set(chosen) == pinned & set(labels):
        return
    st.session_state[keys.PINNED] = set(chosen)
    _store_pins(stored, set(chosen))
    st.rerun()


def _store_pins(stored: list[Run], chosen: set[tuple]) -> None:
    store = identity.shared_store()
    student = identity.current_student(store)
    if store is None or student is None:
        return
    wanted = {run.id: stored_row(run).identity() in chosen for run in stored}
    try:
        for flag in (True, False):
            ids = [run.id for run in stored if run.pinned != flag and wanted[run.id] == flag]
            store.set_pinned(student.token, ids, flag)
    except StoreUnavailable as exc:
        st.toast(f"{exc}", icon=":material/cloud_off:")
