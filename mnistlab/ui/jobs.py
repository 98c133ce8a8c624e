"""Long work on a page as a job: Run / Stop / Clear buttons and a fragment that redraws its progress.

The work runs on the process's executor (``mnistlab.jobs``: worker processes here, or a Ray cluster),
never in the script run, so every other control on the page stays live while it runs. The job belongs to the
student's session: leaving the page and coming back shows it still running, or finished. Stop is a
real cancel (at the next batch, fold or timing point); a queued job is simply removed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from mnistlab import jobs
from mnistlab.jobs import Job, State
from mnistlab.ui import internals, keys, sidebar
from mnistlab.views import captions

REFRESH_S = 0.5
SESSION_CHECK_S = 5.0  # how often the jobs of closed tabs are looked for
_watching: set[int] = set()
_watching_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def executor() -> jobs.Executor:
    """One per app process, shared by its students (the queue is first come, first served)."""
    ex = jobs.executor()
    with _watching_lock:
        if id(ex) not in _watching:  # once per executor, though a cleared cache asks again
            _watching.add(id(ex))
            threading.Thread(
                target=_cancel_closed_sessions, args=(ex,), name="mnistlab-sessions", daemon=True
            ).start()
    return ex


def cancel_closed_sessions(ex: jobs.Executor, alive: Callable[[str], bool | None]) -> list[str]:
    """Stop the jobs of every session Streamlit has freed (a closed tab, after its grace time): nobody
    will read their results, and a queued one would hold a slot another student waits for."""
    gone = [s for s in ex.sessions() if alive(s) is False]
    for session in gone:
        ex.cancel_session(session)
    return gone


def _cancel_closed_sessions(ex: jobs.Executor) -> None:
    while True:
        time.sleep(SESSION_CHECK_S)
        cancel_closed_sessions(ex, internals.session_alive)


@dataclass
class Slot:
    """The session's job for one panel and one setting (other settings keep their own)."""

    job: Job | None = None
    seen_finished: bool = False


def _slot(key: str, params: dict) -> Slot:
    panel = st.session_state.setdefault(keys.job(key), {})
    return panel.setdefault(repr(sorted(params.items())), Slot())


def _start(slot: Slot, kind: str, params: dict, extra: Callable[[Job | None], dict] | None) -> None:
    session = internals.session_id() or "default"
    submitted = params | (extra(slot.job) if extra else {})
    slot.job, slot.seen_finished = executor().submit(jobs.KINDS[kind], submitted, session=session), False


def _clear(slot: Slot) -> None:
    if slot.job is not None:
        slot.job.stop()
    slot.job = None


SPOKEN = {
    State.QUEUED: "Queued.",
    State.RUNNING: "Running.",
    State.STOPPED: "Stopped: what was done so far is kept.",
    State.FAILED: "The job failed.",
}


def announce(job: Job) -> None:
    """The job's state, for screen readers, in a status region that stays in place between redraws, so
    a change (running -> done) is read out without moving the focus (WCAG 4.1.3). Only changes of state:
    the progress itself would be read out every half second."""
    state = job.status().state
    text = SPOKEN.get(state, "Done: the results are below.")
    st.html(f'<div role="status" aria-live="polite" style="{captions.HIDDEN}">{text}</div>')


def wait_words(seconds: float | None) -> str:
    """The likely wait, rounded as a person would say it."""
    if seconds is None:
        return "it starts when a slot frees (no estimate yet: nothing like it has finished here)"
    if seconds < 60:
        return f"likely to start in about {max(5, 5 * round(seconds / 5)):.0f} s"
    return f"likely to start in about {round(seconds / 60):.0f} min"


def status_line(job: Job) -> None:
    """Where the job stands, in words a student understands."""
    status = job.status()
    where = ", host ".join(x for x in (status.device, status.node) if x)
    on = f", {where}" if where else ""
    if status.state is State.QUEUED:
        st.info(
            f"Queued: position {status.position} on this server; "
            f"{wait_words(executor().expected_wait_s(job))}. Stop removes it from the queue.",
            icon=":material/hourglass_top:",
        )
    elif status.state is State.RUNNING:
        st.progress(
            min(1.0, status.fraction or 0.0),
            text=f"{status.message or 'Starting...'} ({status.elapsed_s:.0f} s{on})",
        )
    elif status.state is State.STOPPED:
        st.caption(f"Stopped after {status.elapsed_s:.1f} s: what was done so far is kept.")
    elif status.state is State.FAILED:
        st.error(f"The job failed: {status.reason}")
    else:
        st.caption(f"Done in {status.elapsed_s:.1f} s{' on ' + where if where else ''}.")


def panel(
    key: str,
    kind: str,
    params: dict,
    *,
    run_label: str,
    draw: Callable[[Job], None] | None = None,
    done_label: str = "Run again",
    extra: Callable[[Job | None], dict] | None = None,
) -> Job | None:
    """Buttons and a live view for one kind of job with these ``params``; returns the session's job (running
    or finished) for them. ``draw(job)`` redraws what the job has produced so far, every REFRESH_S;
    ``extra(previous job)`` adds params at submission that are not part of the setting (a model to
    continue)."""
    slot = _slot(key, params)
    job = slot.job
    running = job is not None and not job.state.finished
    c1, c2, c3, _ = st.columns([3, 1, 1, 3])
    c1.button(
        done_label if job is not None and not running else run_label,
        key=f"{key}-run",
        type="primary",
        disabled=running,
        on_click=_start,
        args=(slot, kind, params, extra),
    )
    c2.button("Stop", key=f"{key}-stop", disabled=not running, on_click=job.stop if running else None)
    c3.button("Clear", key=f"{key}-clear", disabled=job is None or running, on_click=_clear, args=(slot,))

    @st.fragment(run_every=sidebar.live_every(REFRESH_S) if running else None)
    def live() -> None:
        current = slot.job
        if current is None:
            return
        announce(current)
        if running and sidebar.live_every(REFRESH_S) is None:
            st.caption("Live updates are paused (sidebar): the job goes on; switch them on to see it.")
        status_line(current)
        if draw is not None:
            draw(current)
        if current.state.finished and not slot.seen_finished:
            slot.seen_finished = True
            st.rerun()  # the whole page once more: what comes after the panel uses the result

    live()
    return slot.job


def finished(key: str) -> list[Job]:
    """This session's jobs of one panel that ended with a result (for other pages to use)."""
    panel = st.session_state.get(keys.job(key), {})
    return [
        slot.job
        for slot in panel.values()
        if slot.job is not None and slot.job.state.finished and slot.job.result() is not None
    ]
