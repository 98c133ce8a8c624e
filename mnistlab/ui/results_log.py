"""Every model fitted or trained in this session, from any page, for the results page."""

from __future__ import annotations

import streamlit as st

from mnistlab.results import ResultRow
from mnistlab.ui import keys


def record(row: ResultRow) -> None:
    """Add (or refresh) one result; the same model with the same settings appears once, as recent as
    its latest fit."""
    log = st.session_state.setdefault(keys.RESULTS_LOG, {})
    log.pop(row.identity(), None)
    log[row.identity()] = row


def rows() -> list[dict]:
    """Newest first: what the class just saw is at the top."""
    return [row.as_table_row() for row in reversed(st.session_state.get(keys.RESULTS_LOG, {}).values())]
