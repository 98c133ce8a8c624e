"""The one private Streamlit attribute the app relies on, and the rule that nothing else uses one."""

import inspect
import pathlib
import re

from mnistlab.ui import internals

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_the_legacy_pages_flag_still_says_whether_the_app_has_a_pages_folder(monkeypatch, tmp_path):
    # If a Streamlit upgrade renames the flag or stops setting it, direct page links would skip app.py's
    # sidebar and data gate (route_through_app reads and clears it). Streamlit sets it once per process,
    # from the first app script it manages: this app (a pages/ folder) and a script without one.
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(ROOT / "app.py"))
    assert internals.uses_pages_directory() is True
    lone = tmp_path / "lone_app.py"
    lone.write_text("")
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(lone))
    assert internals.uses_pages_directory() is False


def test_private_streamlit_internals_stay_in_the_routing_module():
    private = re.compile(r"PagesManager|streamlit\.runtime\.|\._value\b")
    users = sorted(
        str(p.relative_to(ROOT))
        for p in [*ROOT.glob("mnistlab/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
        if private.search(p.read_text())
    )
    assert users == ["mnistlab/ui/internals.py"]


def test_the_session_id_is_none_outside_a_script_run():
    assert internals.session_id() is None


def test_the_session_manager_lookup_still_exists():
    # If an upgrade renames it, the jobs of closed tabs would keep their slots (ui.jobs' watcher).
    from streamlit.runtime import Runtime
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    assert "self._session_mgr" in inspect.getsource(Runtime.__init__)
    assert "get_session_info" in dict(inspect.getmembers(WebsocketSessionManager))
