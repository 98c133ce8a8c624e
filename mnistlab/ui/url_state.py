"""Widget values in the URL, so a shared link opens a page exactly as the teacher set it."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

from mnistlab.ui import keys


def _spellings() -> dict[str, Callable]:
    # Per session: a spelling can close over one dataset's class names.
    return st.session_state.setdefault(keys.URL_SPELLINGS, {})


# Query parameters read by code rather than by a widget (the student's token): never reported as ignored.
READ_BY_CODE: set[str] = set()


def bound(
    key: str,
    spell: Callable = str,
    numbers: Sequence[float] | None = None,
    names: Sequence[str] | None = None,
) -> dict:
    """Keyword arguments that put a widget's value in the URL; ``spell`` shows a value in a notice.

    ``numbers``: the widget's numeric options, so a link may spell them any way (0.001 for 1e-3).
    ``names``: a dropdown's options, so a link may give an option's name (``linear``) where Streamlit
    takes only the label it shows.
    """
    _spellings()[key] = spell
    drawn().add(key)
    if numbers is not None:
        _respell_number(key, spell, numbers)
    if names is not None:
        _respell_name(key, spell, names)
    return {"key": key, "bind": "query-params"}


def _respell_name(key: str, spell: Callable, names: Sequence[str]) -> None:
    raw = st.query_params.get(key)
    if raw is None or key in st.session_state or raw in {spell(n) for n in names}:
        return
    match = next((n for n in names if str(n).casefold() == raw.strip().casefold()), None)
    if match is not None:
        st.query_params[key] = spell(match)
        st.rerun()


def named(key: str, names: Sequence[str], title: Callable[[str], str]) -> dict:
    """Keyword arguments for a dropdown whose link names its value (``?dataset=fashion``); see show_name.

    Streamlit's binding would write and accept only the title the dropdown shows ("Fashion-MNIST
    clothing"): a link typed with the short name was refused. So this one is kept by hand: a link may
    give the name or the title (as older links did), in any case.
    """
    spelled = {spelling.casefold(): name for name in names for spelling in (name, title(name))}
    _spellings()[key] = str
    drawn().add(key)
    _readers()[key] = lambda raw: spelled.get(raw.strip().casefold())
    raw = st.query_params.get(key)
    if raw is not None and key not in st.session_state and _readers()[key](raw) is not None:
        st.session_state[key] = _readers()[key](raw)  # before the widget, which then starts with it
    return {"key": key}


def show_name(key: str, name: str, default: str) -> None:
    """After the widget from named(): its name in the URL, none for the default (as Streamlit does)."""
    if name == default:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != name:
        st.query_params[key] = name


def _readers() -> dict[str, Callable]:
    # Per session, as the spellings: widget key -> the value a link's spelling means (None: refused).
    return st.session_state.setdefault(keys.URL_READERS, {})


def _respell_number(key: str, spell: Callable, numbers: Sequence[float]) -> None:
    # Streamlit seeds a widget from the URL only with the exact label of an option; a link saying 0.001
    # where the label is 1e-3 would be refused. Rewrite it to the label and run again, before the widget.
    raw = st.query_params.get(key)
    if raw is None or key in st.session_state or raw in {spell(n) for n in numbers}:
        return
    try:
        wanted = float(raw)
    except ValueError:
        return  # not a number: the widget refuses it and report_ignored() says so
    match = next((n for n in numbers if math.isclose(n, wanted, rel_tol=1e-9)), None)
    if match is not None:
        st.query_params[key] = spell(match)
        st.rerun()


def move(key: str, value) -> None:
    """Set a widget's value from code (in a callback) and keep the link in step.

    Streamlit writes a value set from code into the URL only for a widget drawn in the previous run;
    a knob that appears with this value (the degree when the family becomes polynomial) would be
    left out of the link, which then opens a different model than the page shows.
    """
    st.session_state[key] = value
    spell = _spellings().get(key, str)
    # A bound widget (drawn last run) refuses this: Streamlit then writes its new value itself.
    with contextlib.suppress(StreamlitAPIException):
        st.query_params[key] = spell(value)


def drawn() -> set[str]:
    """The URL-bound widgets this run has drawn so far (reset by url_values() at the start of a run)."""
    return st.session_state.setdefault(keys.URL_DRAWN, set())


def url_values() -> dict:
    """The query string as this run received it (before widgets drop the values they reject)."""
    st.session_state[keys.URL_DRAWN] = set()
    return st.query_params.to_dict()


def report_ignored(raw: dict, drawn: set[str] | None = None) -> None:
    """Widgets silently drop URL values they cannot take; say so, and which default is used instead.

    ``drawn``: the widget keys this run drew. A value for no widget of the page as set (``epochs``
    on the training page, ``model-degree`` beside the logistic family) is said and taken out of the link.
    """
    spellings = _spellings()
    for key, value in raw.items():
        if drawn is not None and key not in drawn and key not in READ_BY_CODE and key in st.query_params:
            st.query_params.pop(key, None)
            st.toast(
                f"The link's `{key}={value}` is not a setting of this page as it is set; ignored.",
                icon=":material/link_off:",
            )
            continue
        if key in spellings and key not in st.query_params and key in st.session_state:
            current = spellings[key](st.session_state[key])
            read = _readers().get(key)
            accepted = read is not None and read(value) == st.session_state[key]  # another spelling
            if str(current) != value and not accepted:
                # Code spans: markdown would turn a label's "->" into an arrow glyph.
                st.toast(
                    f"The link's value `{key}={value}` is not valid here; using `{current}`.",
                    icon=":material/link_off:",
                )
