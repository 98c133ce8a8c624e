"""Long work on a page: run step by step with progress, stop from the page, keep what is done.

Completed steps live in this student's session; pressing Stop reruns the script, which
interrupts the run between steps, and the steps already finished stay.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import streamlit as st


def stepwise(key: str, steps: Sequence[Hashable], compute: Callable[[Hashable], Any], *,
             run_label: str = "Run", describe: Callable[[Hashable], str] = str,
             autostart: bool = False, live: Callable[[dict], None] | None = None,
             finished: Callable[[dict], bool] = lambda done: False) -> dict:
    """Run the steps not yet done when the user presses Run; return {step: result} so far.

    ``live(done)`` redraws the results after every step (and once more at the end);
    ``finished(done)`` ends the run early (a training that has converged).
    """
    state = st.session_state.setdefault(key, {"done": {}, "running": False, "steps": None})
    if state["steps"] != list(steps):  # other settings: start over
        state.update(done={}, running=False, steps=list(steps))
    done: dict = state["done"]
    remaining = [] if finished(done) else [s for s in steps if s not in done]

    c1, c2, c3, _ = st.columns([3, 1, 1, 3])
    label = run_label if not done else f"Continue ({len(remaining)} left)" if remaining else "Done"
    if c1.button(label, key=f"{key}-run", type="primary", disabled=not remaining):
        state["running"] = True
    if c2.button("Stop", key=f"{key}-stop", disabled=not remaining):
        state["running"] = False
    if autostart and not done:
        state["running"] = True
    if c3.button("Clear", key=f"{key}-clear", disabled=not done):
        state.update(done={}, running=False)
        st.rerun()

    view = st.empty()

    def redraw():
        if live and done:
            with view.container():
                live(done)

    if state["running"] and remaining:
        bar = st.progress(len(done) / len(steps), text="Starting...")
        for step in remaining:
            bar.progress(len(done) / len(steps), text=f"{len(done)}/{len(steps)} done; running {describe(step)}")
            done[step] = compute(step)
            redraw()
            if finished(done):
                break
        bar.progress(1.0, text=f"{len(done)}/{len(steps)} done")
        state["running"] = False
    else:
        redraw()
        if remaining and done:
            st.caption(f"Stopped after {len(done)} of {len(steps)} steps; press Continue to finish.")
    return done
