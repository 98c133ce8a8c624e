"""The shared sidebar (dataset, presenter mode) and what every page reads from it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mnistlab.data import datasets
from mnistlab.ui import internals, keys
from mnistlab.ui.url_state import bound


@dataclass(frozen=True)
class Settings:
    dataset: str = "mnist"
    presenter: bool = False


PRESENTER_CSS = """<style>
html { font-size: 21px; }
[data-testid=stMarkdownContainer] p, [data-testid=stMarkdownContainer] li { font-size: 1.15rem; }
</style>"""


def presenter() -> bool:
    return bool(st.session_state.get(keys.PRESENTER, False))


def explain(markdown: str) -> None:
    """Explanatory text: shown to students, hidden in presenter mode (the teacher says it)."""
    if not presenter():
        st.markdown(markdown)


def available_datasets() -> list[str]:
    """MNIST always (it can be fetched); Fashion-MNIST where its files are present."""
    names = ["mnist"]
    fashion = datasets.FASHION
    if datasets.FASHION_FOLDER.is_dir() or datasets.user_path_for(fashion) or datasets.cache_file(fashion).exists():
        names.append("fashion")
    return names


def sidebar() -> Settings:
    with st.sidebar:
        name = st.selectbox("Dataset", available_datasets(), format_func=lambda n: datasets.SPECS[n].title,
                            **bound(keys.DATASET),
                            help="Every page uses this dataset, with the notebook's 60,000 / 10,000 split.")
        on = st.toggle("Presenter mode", **bound(keys.PRESENTER),
                       help="Larger text and plots for a projector; explanations and secondary controls hidden.")
    if on:
        st.html(PRESENTER_CSS)
    return Settings(dataset=name, presenter=on)


def settings() -> Settings:
    """The sidebar's choices, for a page. Every page calls this first."""
    internals.route_through_app()
    return Settings(dataset=st.session_state.get(keys.DATASET, "mnist"), presenter=presenter())
