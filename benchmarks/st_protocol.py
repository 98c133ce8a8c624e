"""One browser tab, without the browser: Streamlit's own websocket protocol, spoken with its own protobufs.

A tab first loads the page over HTTP (which sets the XSRF cookie and, behind HAProxy, the sticky-session
cookie), then opens ``/_stcore/stream`` with those cookies and the XSRF token in ``Sec-WebSocket-Protocol``
(``streamlit, <token>``), exactly as the frontend does. Every run starts with a ``rerun_script`` BackMsg
carrying a ``ClientState`` and ends with the server's ``script_finished`` ForwardMsg; a fragment rerun
carries the fragment's id, so the server reruns only that fragment.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import is_element_id, user_key_from_element_id

XSRF_COOKIE = "_streamlit_xsrf"
# Set by deploy/haproxy.cfg on every response: which app process answered (absent without the proxy).
REPLICA_HEADER = "X-Mnistlab-Replica"
FINISHED = ForwardMsg.ScriptFinishedStatus


@dataclass
class Widget:
    """What the server told us about one widget: its id, its fragment, and its options (select sliders)."""

    id: str
    kind: str
    fragment_id: str
    options: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    seconds: float
    status: str
    exceptions: list[str]
    bytes_received: int
    alerts: list[str] = field(default_factory=list)  # st.warning / st.error / st.info texts drawn


class ProtocolError(RuntimeError):
    """The server answered something a browser would show as broken (or did not answer at all)."""


class Tab:
    """A browser tab's session: connect, run pages, set widgets the way the frontend does."""

    def __init__(
        self, base_url: str, timeout_s: float = 120.0, jar: CookieJar | None = None, session_id: str = ""
    ):
        """``jar`` and ``session_id``: a tab reconnecting keeps its cookies and asks for its old session."""
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.jar = jar if jar is not None else CookieJar()
        self.previous_session_id = session_id
        self.ws: websockets.ClientConnection | None = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path ("binary_2d") -> page_script_hash
        self.page = ""
        self.query_string = ""  # sent with every rerun, as the browser sends its URL's
        self.widgets: dict[str, Widget] = {}  # user key ("model-C") -> widget
        self.states: dict[str, WidgetState] = {}  # widget id -> the value this tab has set
        self.replicas: list[str] = []  # the replica that answered each request, behind the proxy

    def _http_get(self, path: str) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with opener.open(f"{self.base_url}/{path.lstrip('/')}", timeout=30) as response:
            response.read()
            self._note_replica(response.headers.get(REPLICA_HEADER))

    def _note_replica(self, name: str | None) -> None:
        if name:
            self.replicas.append(name)

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.jar}

    async def connect(self, path: str = "") -> None:
        # The HTML page sets the cookies (XSRF, and the proxy's sticky one), then the frontend checks the
        # server before opening the websocket; urllib blocks, so off the event loop.
        for http_path in (path, "_stcore/health", "_stcore/host-config"):
            await asyncio.to_thread(self._http_get, http_path)
        cookies = self.cookies()
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = ["streamlit"]
        if XSRF_COOKIE in cookies:  # the frontend sends the token, then the session it had (if any)
            protocols.append(cookies[XSRF_COOKIE])
            if self.previous_session_id:
                protocols.append(self.previous_session_id)
        headers = {"Origin": self.base_url}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=protocols,
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )
        self._note_replica(self.ws.response.headers.get(REPLICA_HEADER))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def open_page(self, page: str, query_string: str = "") -> RunResult:
        """A navigation: a full run of ``page`` (its url path, "" for the default page)."""
        self.page, self.query_string = page, query_string
        self.states.clear()  # a new page's widgets are new widgets
        return await self._run(query_string=query_string, fragment_id="")

    async def rerun_fragment(self, fragment_id: str) -> RunResult:
        """What the browser sends for a fragment with ``run_every``, on its timer."""
        return await self._run(query_string=self.query_string, fragment_id=fragment_id)

    async def set_widget(self, key: str, state: WidgetState) -> RunResult:
        """A widget changed in the browser: send every value set so far, with the widget's fragment id."""
        widget = self.widgets[key]
        state.id = widget.id
        self.states[widget.id] = state
        # The browser sends the page's query string with every rerun (a class code, a student token).
        return await self._run(query_string=self.query_string, fragment_id=widget.fragment_id)

    async def select(self, key: str, option_index: int) -> RunResult:
        """A select slider released on its ``option_index``-th option."""
        widget = self.widgets[key]
        state = WidgetState()
        state.string_array_value.data.append(widget.options[option_index % len(widget.options)])
        return await self.set_widget(key, state)

    async def choose(self, key: str, option_index: int) -> RunResult:
        """A select box (or radio) set to its ``option_index``-th option (sent as the option's label)."""
        widget = self.widgets[key]
        state = WidgetState()
        state.string_value = widget.options[option_index]
        return await self.set_widget(key, state)

    async def slide(self, key: str, value: float) -> RunResult:
        """A numeric slider released on ``value``."""
        state = WidgetState()
        state.double_array_value.data.append(value)
        return await self.set_widget(key, state)

    async def click(self, key: str) -> RunResult:
        state = WidgetState()
        state.trigger_value = True
        result = await self.set_widget(key, state)
        del self.states[self.widgets[key].id]  # a trigger is sent once, then resets
        return result

    async def _run(self, query_string: str, fragment_id: str) -> RunResult:
        if self.ws is None:
            raise ProtocolError("not connected")
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = query_string
        client.page_name = self.page
        if self.page in self.pages:
            client.page_script_hash = self.pages[self.page]
        client.fragment_id = fragment_id
        client.widget_states.widgets.extend(self.states.values())
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._until_finished(start), self.timeout_s)

    async def _until_finished(self, start: float) -> RunResult:
        exceptions: list[str] = []
        alerts: list[str] = []
        received = 0
        while True:
            raw = await self.ws.recv()
            received += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
                self._learn_pages(fwd.new_session.app_pages)
            elif kind == "navigation":
                self._learn_pages(fwd.navigation.app_pages)
            elif kind == "delta":
                self._learn_delta(fwd, exceptions, alerts)
            elif kind == "page_not_found":
                exceptions.append(f"page not found: {fwd.page_not_found.page_name}")
            elif kind == "script_finished":
                status = FINISHED.Name(fwd.script_finished)
                if fwd.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # superseded by our own later message; its run finishes later
                return RunResult(time.perf_counter() - start, status, exceptions, received, alerts)

    def _learn_pages(self, app_pages) -> None:
        for page in app_pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def _learn_delta(self, fwd: ForwardMsg, exceptions: list[str], alerts: list[str]) -> None:
        if fwd.delta.WhichOneof("type") != "new_element":
            return
        element = fwd.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        if kind == "alert":
            alerts.append(element.alert.body)
            return
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "") if proto.DESCRIPTOR.fields_by_name.get("id") else ""
        key = user_key_from_element_id(widget_id) if is_element_id(widget_id) else None
        if key:  # keyed widgets are the ones a student moves
            options = list(proto.options) if proto.DESCRIPTOR.fields_by_name.get("options") else []
            self.widgets[key] = Widget(widget_id, kind, fwd.delta.fragment_id, [str(o) for o in options])


def page_url(base_url: str, page: str, query: dict[str, str] | None = None) -> str:
    return f"{base_url.rstrip('/')}/{page}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


def run(coroutine):
    """asyncio.run in a fresh thread: the caller's thread may already run an event loop (a test session's
    sync Playwright does), and asyncio.run refuses to start a second one there."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
