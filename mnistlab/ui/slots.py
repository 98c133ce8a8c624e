"""Limit concurrent trainings on one server: each uses every core, so two at once are both slower
than one after the other. A student whose training waits sees it queued, and can still stop it."""

from __future__ import annotations

import contextlib
import os
import threading

import streamlit as st


@st.cache_resource
def _slots() -> tuple[threading.BoundedSemaphore, list[int]]:
    limit = max(1, int(os.environ.get("MNISTLAB_MAX_TRAININGS", "1")))
    return threading.BoundedSemaphore(limit), [limit]


def running() -> int:
    semaphore, limit = _slots()
    return limit[0] - semaphore._value  # noqa: SLF001 (only read, for the queue message)


@contextlib.contextmanager
def training_slot(placeholder):
    semaphore, limit = _slots()
    waited = 0.0
    while not semaphore.acquire(timeout=0.5):
        waited += 0.5
        # Writing to the page here is also where a Stop pressed while queued takes effect.
        placeholder.info(f"Queued: {running()} training(s) already running on this server (limit {limit[0]}). "
                         f"Yours starts when one finishes; waited {waited:.0f} s.", icon=":material/hourglass_top:")
    placeholder.empty()
    try:
        yield
    finally:
        semaphore.release()
