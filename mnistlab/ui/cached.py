"""Cache wrappers. Arrays and shared models live in ``st.cache_resource`` (read-only);
callers pass small keys (a dataset name), never the arrays themselves."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st

from mnistlab import data, explore

_fetch_lock = threading.Lock()


def fetch_with_progress(name: str) -> None:
    """First use on a machine: fetch into the on-disk cache, showing each step."""
    spec = data.SPECS[name]
    if data.cache_file(spec).exists() or data.user_path_for(spec):
        return
    with _fetch_lock, st.status(f"Fetching {spec.title} (first use on this machine)...", expanded=True) as status:
        data.load_dataset(spec, progress=lambda message, fraction=None: status.write(message))
        status.update(label=f"{spec.title} fetched and cached", state="complete", expanded=False)


@st.cache_resource(show_spinner="Loading the dataset...")
def dataset(name: str) -> data.Dataset:
    return data.load_dataset(data.SPECS[name])


def _read_only(split: data.Split) -> data.Split:
    for array in (split.X_train, split.y_train, split.X_test, split.y_test):
        array.flags.writeable = False
    return split


@st.cache_resource(show_spinner="Splitting 60,000 / 10,000 as the notebook does...")
def split(name: str) -> data.Split:
    ds = dataset(name)
    return _read_only(data.train_test(ds.X, ds.y))


@st.cache_data(max_entries=8, show_spinner=False)
def overview(name: str, per_class: int = 10) -> dict[str, np.ndarray]:
    s = split(name)
    return {
        "train_counts": explore.class_counts(s.y_train),
        "test_counts": explore.class_counts(s.y_test),
        "samples": explore.samples_per_class(s.X_train, s.y_train, per_class),
        "means": explore.mean_images(s.X_train, s.y_train),
    }
