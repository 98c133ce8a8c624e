"""The shared sidebar and the dataset gate every page passes through."""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from mnistlab import data
from mnistlab.ui import cached

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"


@dataclass(frozen=True)
class Settings:
    dataset: str = "mnist"


def available_datasets() -> list[str]:
    """MNIST always (it can be fetched); Fashion-MNIST where its files are present."""
    names = ["mnist"]
    if data.FASHION_FOLDER.is_dir() or data.user_path_for(data.FASHION) or data.cache_file(data.FASHION).exists():
        names.append("fashion")
    return names


def sidebar() -> Settings:
    with st.sidebar:
        names = available_datasets()
        name = st.selectbox("Dataset", names, key="dataset",
                            format_func=lambda n: data.SPECS[n].title,
                            help="Every page uses this dataset, with the notebook's 60,000 / 10,000 split.")
    return Settings(dataset=name)


def settings() -> Settings:
    """The sidebar's choices, for a page. Every page calls this first."""
    route_through_app()
    return Settings(dataset=st.session_state.get("dataset", "mnist"))


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
