"""Routing a first direct visit of a page URL through app.py.

The one place that touches a private Streamlit attribute; ``tests/test_routing.py`` fails loudly
if an upgrade renames it.
"""

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
