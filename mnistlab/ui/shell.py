"""The shared sidebar and the dataset gate every page passes through."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mnistlab import data
from mnistlab.ui import cached


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
    return Settings(dataset=st.session_state.get("dataset", "mnist"))


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
