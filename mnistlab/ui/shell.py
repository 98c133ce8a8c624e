"""The shared sidebar and the dataset gate every page passes through."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from mnistlab import data, plots
from mnistlab.ui import cached

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"


@dataclass(frozen=True)
class Settings:
    dataset: str = "mnist"
    presenter: bool = False


# Widgets whose value lives in the URL: key -> how the URL spells a value (for spotting invalid ones).
BOUND: dict[str, Callable] = {}


def bound(key: str, spell: Callable = str) -> dict:
    """Keyword arguments that put a widget's value in the URL (a shareable link opens the same view)."""
    BOUND[key] = spell
    return {"key": key, "bind": "query-params"}


def url_values() -> dict:
    """The query string as this run received it (before widgets drop the values they reject)."""
    return st.query_params.to_dict()


def report_ignored_url_values(raw: dict) -> None:
    """Widgets silently drop URL values they cannot take; say so, and which default is used instead."""
    for key, value in raw.items():
        if key in BOUND and key not in st.query_params and key in st.session_state:
            current = BOUND[key](st.session_state[key])
            if str(current) != value:
                st.toast(f"The link's value {key}={value!r} is not valid here; using {current}.", icon=":material/link_off:")


PRESENTER_CSS = """<style>
html { font-size: 21px; }
[data-testid=stMarkdownContainer] p, [data-testid=stMarkdownContainer] li { font-size: 1.15rem; }
</style>"""


def presenter() -> bool:
    return bool(st.session_state.get("presenter", False))


def explain(markdown: str) -> None:
    """Explanatory text: shown to students, hidden in presenter mode (the teacher says it)."""
    if not presenter():
        st.markdown(markdown)


def available_datasets() -> list[str]:
    """MNIST always (it can be fetched); Fashion-MNIST where its files are present."""
    names = ["mnist"]
    if data.FASHION_FOLDER.is_dir() or data.user_path_for(data.FASHION) or data.cache_file(data.FASHION).exists():
        names.append("fashion")
    return names


def sidebar() -> Settings:
    with st.sidebar:
        names = available_datasets()
        name = st.selectbox("Dataset", names, format_func=lambda n: data.SPECS[n].title, **bound("dataset"),
                            help="Every page uses this dataset, with the notebook's 60,000 / 10,000 split.")
        on = st.toggle("Presenter mode", **bound("presenter"),
                       help="Larger text and plots for a projector; explanations and secondary controls hidden.")
    if on:
        st.html(PRESENTER_CSS)
    return Settings(dataset=name, presenter=on)


def settings() -> Settings:
    """The sidebar's choices, for a page. Every page calls this first."""
    route_through_app()
    on = presenter()
    plots.SCALE.set(1.35 if on else 1.0)
    return Settings(dataset=st.session_state.get("dataset", "mnist"), presenter=on)


def route_through_app() -> None:
    """Send a page run through app.py's navigation.

    When the first visitor of a fresh server opens a page's own URL, Streamlit's legacy
    multipage mode (triggered by the pages/ folder) runs that file directly, without app.py's
    sidebar and data gate. Running app.py in its place, in this same run (a rerun would drop
    a button's click), routes it properly; app.py's navigation runs this page again.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP_PATH), run_name="__main__")
        st.stop()


def require_dataset(name: str) -> data.Dataset:
    """The dataset, fetched on first use with progress; a clear message and a stop if it cannot be had."""
    try:
        cached.fetch_with_progress(name)
        return cached.dataset(name)
    except data.DataUnavailable as exc:
        st.error("**The dataset could not be loaded.**")
        st.code(str(exc), language=None)
        st.info("Fix the cause above, then reload this page.")
        st.stop()
