"""The one module that touches Streamlit's private API: routing a first direct visit of a page URL
through app.py, the page name a URL asked for, this browser session's id, and whether a session
still exists. ``tests/test_internals.py`` fails loudly if an upgrade renames any of them."""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"


def uses_pages_directory() -> bool:
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def route_through_app() -> None:
    """When the first visitor of a fresh server opens a page's own URL, Streamlit's legacy
    multipage mode (triggered by the pages/ folder) runs that file directly, without app.py's
    sidebar and data gate. Running app.py in its place, in this same run (a rerun would drop a
    button's click), routes it; app.py's navigation then runs this page again.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP_PATH), run_name="__main__")
        st.stop()


def requested_page_name() -> str:
    """The page name a direct visit's URL asked for ("" for the root, or when a link in the sidebar
    was clicked: that asks by the page's id, which always exists)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or ctx.pages_manager.intended_page_script_hash:
        return ""
    return ctx.pages_manager.intended_page_name or ""


def session_id() -> str | None:
    """The id of the browser session this script run serves (None outside a script run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def session_alive(session_id: str) -> bool | None:
    """False once Streamlit has freed the session (its tab closed and the grace time passed, or never
    known); None where there is no Streamlit runtime to ask (a script outside ``streamlit run``)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)  # a test's stand-in runtime has none
    if manager is None or not hasattr(manager, "get_session_info"):
        return None
    return manager.get_session_info(session_id) is not None
