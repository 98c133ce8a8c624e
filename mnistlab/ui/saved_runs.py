"""This student's runs in the store: listed and deleted on the Results page, and trained networks
offered again to the drawing page (after a reload or on another day)."""

from __future__ import annotations

import streamlit as st
import torch

from mnistlab.models import nets
from mnistlab.store import NotAllowed, StoreUnavailable
from mnistlab.ui import identity, keys, results_log


def manage() -> None:
    """The saved runs, filterable by page, each deletable by its owner."""
    saved = results_log.stored_runs()
    if not saved:
        return
    st.subheader(f"Your saved runs ({len(saved)})")
    pages = sorted({r.page for r in saved})
    shown = st.multiselect("Pages", pages, default=pages, key="saved-pages")
    chosen = [r for r in saved if r.page in shown]
    st.dataframe(
        [
            {
                "id": r.id,
                "page": r.page,
                "model": r.model,
                "test error (%)": None if r.test_error_pct is None else round(r.test_error_pct, 2),
                "device": r.device,
                "weights kept": "yes" if r.has_weights else "",
                "on the class board": "" if r.hidden else "yes",
            }
            for r in chosen
        ],
        hide_index=True,
    )
    c1, c2 = st.columns([1, 3])
    run_id = c1.selectbox(
        "Run", [r.id for r in chosen], key="saved-delete-id", index=None, placeholder="Pick a run id"
    )
    if c2.button("Delete this run", key="saved-delete", disabled=run_id is None):
        try:
            identity.shared_store().delete_run(
                identity.current_student(identity.shared_store()).token, run_id
            )
            st.success(f"Run {run_id} deleted.")
            st.rerun()
        except (NotAllowed, StoreUnavailable) as exc:
            st.error(str(exc))


def torch_models(dataset: str | None = None) -> dict[str, tuple[torch.nn.Module, float]]:
    """Trained networks kept in the store (of ``dataset`` where given), rebuilt from their weights:
    label -> (model, test error %)."""
    store = identity.shared_store()
    student = identity.current_student(store)
    # Rebuilt once per session: the drawing page asks on every stroke.
    built = st.session_state.setdefault(keys.SAVED_MODELS, {})
    out = {}
    for run in results_log.stored_runs():
        if dataset is not None and run.dataset != dataset:
            continue
        if run.id in built:
            out.update(built[run.id])
            continue
        built[run.id] = {}
        if not run.has_weights or run.page != "training":
            continue
        # Which network the weights fit; runs saved before it was recorded named it in the model column.
        name = run.metrics.get("network") or run.model.split(": ", 1)[-1]
        if name not in nets.MODELS:
            continue
        try:
            state = store.weights(student.token, run.id)
            model = nets.build(name)
            model.load_state_dict(state)
        except (StoreUnavailable, RuntimeError, TypeError):
            continue  # a run whose weights no longer fit the network is simply not offered
        built[run.id] = {
            f"saved run {run.id}: {run.model}, {run.test_error_pct:.2f} % test error": (
                model.eval(),
                run.test_error_pct,
            )
        }
        out.update(built[run.id])
    return out
