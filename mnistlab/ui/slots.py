"""Limit concurrent trainings on one server: each uses every core, so two at once are both slower
than one after the other. A student whose training waits sees it queued, and can still stop it."""

from __future__ import annotations

import contextlib
import os
import threading

import streamlit as st


@st.cache_resource
def _slots() -> tuple[threading.BoundedSemaphore, list[int], list[int]]:
    """(the semaphore, [its limit], [trainings holding a slot now])."""
    limit = max(1, int(os.environ.get("MNISTLAB_MAX_TRAININGS", "1")))
    return threading.BoundedSemaphore(limit), [limit], [0]


def running() -> int:
    return _slots()[2][0]


@contextlib.contextmanager
def training_slot(placeholder):
    semaphore, limit, holders = _slots()
    waited = 0.0
    while not semaphore.acquire(timeout=0.5):
        waited += 0.5
        # Writing to the page here is also where a Stop pressed while queued takes effect.
        placeholder.info(f"Queued: {running()} training(s) already running on this server (limit {limit[0]}). "
                         f"Yours starts when one finishes; waited {waited:.0f} s.", icon=":material/hourglass_top:")
    placeholder.empty()
    holders[0] += 1  # only changed while holding a slot; read for the queue message
    try:
        yield
    finally:
        holders[0] -= 1
        semaphore.release()
