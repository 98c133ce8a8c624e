"""First use on a machine: fetch the data (one student does it while the others wait on the lock), and
train the drawing page's default model as a job the page watches; then everyone reads the cache."""

from __future__ import annotations

import threading

import streamlit as st

from mnistlab import jobs
from mnistlab.data import datasets
from mnistlab.jobs import Job, State
from mnistlab.models import weights
from mnistlab.ui import jobs as ui_jobs
from mnistlab.ui import recipe

_fetch_lock = threading.Lock()
_model_lock = threading.Lock()
PROGRESS_S = 2.0


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


@st.cache_resource(show_spinner=False)
def _first_use_jobs() -> dict[str, Job]:
    """The default model's training per dataset: one per server process, shared by every visitor."""
    return {}


def default_model_job(name: str) -> Job:
    """The job that prepares ``name``'s default model; submitted again only if the last one ended
    without a model. It belongs to the server, not to a visitor: leaving the page does not stop it."""
    with _model_lock:
        running = _first_use_jobs()
        job = running.get(name)
        if job is None or job.state in (State.FAILED, State.STOPPED):
            job = running[name] = ui_jobs.executor().submit(
                jobs.KINDS["default_model"], {"dataset": name}, session="server-first-use"
            )
        return job


def default_model_ready(name: str) -> bool:
    """True once the default model is on disk. Before that: its training runs as a job, and this shows
    its progress in a corner of the page, which stays usable; the page runs again when it is ready."""
    if weights.default_model_path(name).exists():
        return True
    job = default_model_job(name)

    @st.fragment(run_every=PROGRESS_S)
    def progress() -> None:
        if weights.default_model_path(name).exists():
            st.toast("Default model ready", icon=":material/check_circle:")
            st.rerun()  # the whole page, now with the default model
        status = job.status()
        if status.state is State.FAILED:
            st.error(f"The default model could not be trained: {status.reason}")
            return
        if status.state is State.DONE:  # trained, but the cache could not keep it
            st.warning("The default model was trained but could not be saved in the data cache.")
            return
        where = "queued" if status.state is State.QUEUED else (status.message or "starting")
        st.progress(
            min(1.0, status.fraction or 0.0),
            text=f"Training the default MLP on the 60,000 training images (first use on this server): "
            f"{where}, {status.elapsed_s:.0f} s. It keeps training if you leave; its predictions appear "
            "here when it is ready.",
        )

    progress()
    return False
