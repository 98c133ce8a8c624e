"""A browser that reconnects asking for a session this process does not have is told it is a new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import st_protocol
from benchmarks.servers import AppServer
from benchmarks.st_protocol import Tab
from mnistlab.ui import replica

pytestmark = pytest.mark.load
APP = Path(__file__).with_name("lost_session_app.py")


def test_requested_session_is_the_third_subprotocol_entry():
    assert replica.requested_session("streamlit, token, abc-123") == "abc-123"
    assert replica.requested_session("streamlit, token") is None
    assert replica.requested_session("streamlit, , ") is None
    assert replica.requested_session(None) is None


@pytest.fixture(scope="module")
def server():
    srv = AppServer(script=APP, env={"MNISTLAB_REPLICA": "r7"})
    yield srv
    srv.stop()


async def first_run_alerts(url: str, previous_session: str = "") -> tuple[list[str], str]:
    tab = Tab(url, session_id=previous_session)
    await tab.connect()
    result = await tab.open_page("")
    await tab.close()
    assert result.exceptions == []
    return result.alerts, tab.session_id


def test_new_tab_gets_no_notice(server):
    alerts, _ = st_protocol.run(first_run_alerts(server.url))
    assert alerts == []


def test_reconnect_to_a_live_session_gets_no_notice(server):
    _, session = st_protocol.run(first_run_alerts(server.url))
    alerts, again = st_protocol.run(first_run_alerts(server.url, session))  # kept for disconnectedSessionTTL
    assert again == session and alerts == []


def test_reconnect_to_a_lost_session_is_told(server):
    alerts, session = st_protocol.run(first_run_alerts(server.url, "a-session-that-died-with-its-process"))
    assert session != "a-session-that-died-with-its-process"
    assert len(alerts) == 1 and "new session" in alerts[0] and "r7" in alerts[0]
