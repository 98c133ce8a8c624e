"""Every model fitted or trained in this session, from any page, for the results page."""

from __future__ import annotations

import streamlit as st


def record(row: dict) -> None:
    """Add (or refresh) one result; the same model with the same settings appears once."""
    key = tuple(row[c] for c in ("page", "model", "parameters", "training size", "device"))
    st.session_state.setdefault("results-log", {})[key] = row


def rows() -> list[dict]:
    return list(st.session_state.get("results-log", {}).values())
