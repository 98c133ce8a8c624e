"""First use on a machine: fetch the data and train the drawing page's default model, with progress
in the page; one student does it while the others wait on the lock, then everyone reads the cache."""

from __future__ import annotations

import threading

import streamlit as st

from mnistlab.data import datasets
from mnistlab.models import weights
from mnistlab.ui import recipe

_fetch_lock = threading.Lock()
_model_lock = threading.Lock()


# The progress box is for the wait only: once done it goes, and a toast says so (a box saying "fetched
# and cached" stayed on the page for the rest of the lesson).


def fetch_with_progress(name: str) -> None:
    spec = datasets.SPECS[name]
    if datasets.cache_file(spec).exists() or datasets.user_path_for(spec):
        return
    slot = st.empty()
    with (
        _fetch_lock,
        slot.container(),
        st.status(f"Fetching {spec.title} (first use on this machine)...", expanded=True) as status,
    ):
        datasets.load_dataset(spec, progress=lambda message, fraction=None: status.write(message))
    slot.empty()
    st.toast(f"{spec.title} fetched and cached", icon=":material/check_circle:")


def require_dataset(name: str) -> datasets.Dataset:
    """The dataset, fetched on first use with progress; a clear message and a stop if it cannot be had."""
    try:
        fetch_with_progress(name)
        return recipe.dataset(name)
    except datasets.DataUnavailable as exc:
        st.error("**The dataset could not be loaded.**")
        st.code(str(exc), language=None, wrap_lines=True)
        st.info("Fix the cause above, then reload this page.")
        st.stop()


def ensure_default_model(name: str) -> None:
    if weights.default_model_path(name).exists():
        return
    slot = st.empty()
    with (
        _model_lock,
        slot.container(),
        st.status("Training the default model (first use on this server)...", expanded=True),
    ):
        bar = st.progress(0.0)
        weights.default_model(
            name,
            recipe.ten_classes(name),
            progress=lambda message, fraction=None: bar.progress(fraction or 0.0, text=message),
        )
    slot.empty()
    st.toast("Default model ready", icon=":material/check_circle:")
