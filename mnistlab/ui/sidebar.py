"""The shared sidebar (dataset, presenter mode) and what every page reads from it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mnistlab.data import datasets
from mnistlab.ui import internals, keys, screen, url_state
from mnistlab.ui.url_state import bound


@dataclass(frozen=True)
class Settings:
    dataset: str = "mnist"
    presenter: bool = False


# Paragraphs grow for the back row, but a metric's value is also a paragraph: it keeps its own,
# larger size (else the key numbers shrink to the size of their labels). Nothing is cut: long labels
# wrap ("Binary 2-D playg...", "Test NLL (s..."), and a dropdown's value, which cannot wrap (it is an
# <input>), sizes its box to the whole value: its column then claims that width and a row of columns
# too narrow for it wraps onto the next line.
PRESENTER_CSS = """<style>
html { font-size: 21px; }
[data-testid=stMarkdownContainer] p, [data-testid=stMarkdownContainer] li { font-size: 1.15rem; }
[data-testid=stMetricValue] [data-testid=stMarkdownContainer] p,
[data-testid=stMetricValue] p { font-size: 1.9rem; line-height: 1.15; }
[data-testid=stMetricLabel] { min-height: calc(2 * 1.25 * 1.15rem); align-items: flex-end; }
[data-testid=stMetricLabel] p { line-height: 1.25; }
.stMarkdownEllipsis, .stMarkdownEllipsis p { white-space: normal !important; overflow: visible !important; }
[data-testid=stSidebarNavLink] { height: auto; max-width: 100%; }
[data-testid=stSidebarNavLink] span { white-space: normal; overflow: visible; }
[data-testid=stMainBlockContainer] { padding-top: 1rem; }
h1 { font-size: 1.7rem !important; padding-top: 0 !important; }
h3 { font-size: 1.3rem !important; }
[data-testid=stSelectbox] input, [data-testid=stMultiSelect] input { font-size: 1rem; field-sizing: content; }
[data-testid=stMultiSelect] span, [role=listbox] [role=option] { font-size: 1rem; }
[data-testid=stColumn] { min-width: min-content; }
[data-baseweb=select] div, [data-baseweb=select] span {
  white-space: normal !important; text-overflow: clip !important; overflow: visible !important; }
[data-testid=stBaseButton-secondary] p, [data-testid=stBaseButton-primary] p { white-space: nowrap; }
[data-testid=stButton] button { min-width: max-content; }
h2 { font-size: 1.45rem !important; }
[data-testid=stSidebar] { min-width: 360px; }
</style>"""


# Every screen, a 1366x768 laptop's included: Streamlit's 6rem above the title and its 2.75rem title pushed
# the 2-D map half below the fold (its top at 510 px of 768), so the knob and the map were not on one
# screen. Headings keep their order: the page title stays the largest.
LAYOUT_CSS = """<style>
[data-testid=stMainBlockContainer] { padding-top: 2.5rem; }
h1 { font-size: 2.1rem !important; }
h2 { font-size: 1.75rem !important; }
h3 { font-size: 1.45rem !important; }
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
    if (
        datasets.FASHION_FOLDER.is_dir()
        or datasets.user_path_for(fashion)
        or datasets.cache_file(fashion).exists()
    ):
        names.append("fashion")
    return names


def sidebar() -> Settings:
    with st.sidebar:
        names, title = available_datasets(), lambda n: datasets.SPECS[n].title
        name = st.selectbox(
            "Dataset",
            names,
            format_func=title,
            **url_state.named(keys.DATASET, names, title),
            help="Every page uses this dataset, with the notebook's 60,000 / 10,000 split.",
        )
        url_state.show_name(keys.DATASET, name, default=names[0])
        on = st.toggle(
            "Presenter mode",
            **bound(keys.PRESENTER),
            help="Larger text and plots for a projector; explanations and secondary controls hidden.",
        )
        st.toggle(
            "Pause live updates",
            key=keys.LIVE_PAUSED,
            help="Stops the class board's and the running jobs' automatic redraws (the jobs keep "
            "running); switch it off to see where they are.",
        )
    st.html(PRESENTER_CSS if on else LAYOUT_CSS)
    if on:
        with st.sidebar:
            screen.watch()
    return Settings(dataset=name, presenter=on)


def live_every(seconds: float) -> float | None:
    """A fragment's ``run_every``: none while the student has paused live updates (WCAG 2.2.2)."""
    return None if st.session_state.get(keys.LIVE_PAUSED, False) else seconds


def settings() -> Settings:
    """The sidebar's choices, for a page. Every page calls this first."""
    internals.route_through_app()
    return Settings(dataset=st.session_state.get(keys.DATASET, "mnist"), presenter=presenter())
