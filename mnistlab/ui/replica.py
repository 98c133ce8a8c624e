"""Tell a student when their session was lost: its app process died (or it expired) and this is a new one.

When the websocket drops, the browser reconnects and asks for its old session by id (the third entry of
``Sec-WebSocket-Protocol``). The process that held it answers with the same session; any other process
(behind the proxy, after the first one died) or the same one after ``disconnectedSessionTTL`` starts a
fresh session with a new id. A different id therefore means: what this student trained is gone.
"""

from __future__ import annotations

import os

import streamlit as st

from mnistlab.ui import internals

SHOWN = "replica-notice-shown"


def requested_session(subprotocols: str | None) -> str | None:
    """The session id a reconnecting browser asks for, from its ``Sec-WebSocket-Protocol`` header."""
    entries = [part.strip() for part in (subprotocols or "").split(",")]
    return entries[2] if len(entries) >= 3 and entries[2] else None


def session_was_lost(requested: str | None, current: str) -> bool:
    return requested is not None and requested != current


def lost_session_notice() -> None:
    """A warning, once per session, when the browser asked for a session this process does not have."""
    current = internals.session_id()
    if current is None or st.session_state.get(SHOWN):
        return
    st.session_state[SHOWN] = True
    if session_was_lost(requested_session(st.context.headers.get("Sec-Websocket-Protocol")), current):
        here = os.environ.get("MNISTLAB_REPLICA")
        st.warning(
            "The connection to the server was lost and this is a new session"
            + (f" (on server process {here})" if here else "")
            + ": the page's settings are kept, and runs saved under your name are still on the Results page, "
            "but models trained in the old session without a name are gone.",
            icon=":material/sync_problem:",
        )
