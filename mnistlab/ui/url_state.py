"""Widget values in the URL, so a shared link opens a page exactly as the teacher set it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from mnistlab.ui import keys


def _spellings() -> dict[str, Callable]:
    # Per session: a spelling can close over one dataset's class names.
    return st.session_state.setdefault(keys.URL_SPELLINGS, {})


def bound(key: str, spell: Callable = str) -> dict:
    """Keyword arguments that put a widget's value in the URL; ``spell`` shows a value in a notice."""
    _spellings()[key] = spell
    return {"key": key, "bind": "query-params"}


def url_values() -> dict:
    """The query string as this run received it (before widgets drop the values they reject)."""
    return st.query_params.to_dict()


def report_ignored(raw: dict) -> None:
    """Widgets silently drop URL values they cannot take; say so, and which default is used instead."""
    spellings = _spellings()
    for key, value in raw.items():
        if key in spellings and key not in st.query_params and key in st.session_state:
            current = spellings[key](st.session_state[key])
            if str(current) != value:
                st.toast(f"The link's value {key}={value!r} is not valid here; using {current}.",
                         icon=":material/link_off:")
