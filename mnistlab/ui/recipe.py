"""The notebook's recipe, cached: one line per step of ``mnistlab.data.problems``.

Arrays live in ``st.cache_resource`` and are set read-only (every student shares them); callers
pass small keys (a dataset name, a digit pair), never the arrays themselves.
"""

from __future__ import annotations

import streamlit as st

from mnistlab.data import datasets, loaders, problems
from mnistlab.data.problems import Split


def _read_only(split: Split) -> Split:
    for array in (split.X_train, split.y_train, split.X_test, split.y_test):
        array.flags.writeable = False
    return split


# The dataset, the scaled ten-class split and the training tensors come from the per-process
# loaders the jobs use too: a training job in this process then uses the same arrays as the pages, not a
# second copy of each (about 450 MB).
@st.cache_resource(show_spinner="Loading the dataset...")
def dataset(name: str) -> datasets.Dataset:
    return loaders.dataset(name)


@st.cache_resource(
    show_spinner=f"Splitting {problems.TRAIN_SIZE:,} / {problems.TEST_SIZE:,} as the notebook does..."
)
def split(name: str) -> Split:
    return _read_only(problems.full_split(dataset(name)))


@st.cache_resource(show_spinner=f"Scaling the {problems.TRAIN_SIZE:,} training images (float32)...")
def ten_classes(name: str) -> Split:
    return _read_only(loaders.ten_classes(name))


@st.cache_resource(max_entries=4, show_spinner="Scaling the binary problem (784 pixels)...")
def pair_784(name: str, pair: tuple[int, int]) -> Split:
    return _read_only(problems.pair_784(split(name), pair))


@st.cache_resource(max_entries=6, show_spinner="Scaling and projecting on two PCA components...")
def pair_2d(name: str, pair: tuple[int, int]) -> Split:
    return _read_only(problems.pair_2d(split(name), pair))


@st.cache_resource(show_spinner=False)
def scaler(name: str):
    return problems.fit_scaler(split(name).X_train)


@st.cache_resource(max_entries=4, show_spinner="Moving the data to the training device...")
def tensors(name: str, device: str) -> problems.TensorData:
    """The scaled split as tensors on ``device``, shared read-only by every training on this server."""
    return loaders.full_tensors(name, device)
