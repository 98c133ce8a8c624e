"""Runs outlive the browser session: a named student's results are stored and come back with the link."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mnistlab.store import RunStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def database(tmp_path, monkeypatch, mnist):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("MNISTLAB_DATABASE_URL", url)
    return url


def named_student(name: str) -> AppTest:
    """A student who picked a name on the Results page (the form lives on the pages)."""
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("pages/results.py").run()
    app.text_input(key="student-name-input").input(name)
    next(b for b in app.button if b.label == "Start").click().run()
    assert not app.exception
    return app


def test_a_named_students_runs_are_stored_and_come_back_after_a_reload(database):
    app = named_student("Ada <i>L</i>")
    token = app.query_params["me"]
    assert len(token) >= 32
    app.switch_page("pages/binary_2d.py").run()
    app.select_slider(key="model-C").set_value(0.0001).run()
    app.select_slider(key="model-C").set_value(0.0001).run()  # the same setting again: stored once
    assert not app.exception
    store = RunStore(database)
    mine = store.runs_of(token)
    assert [r.page for r in mine] == ["binary_2d", "binary_2d"]  # C=1 on arrival, then C=1e-4
    assert {r.task for r in mine} == {"binary_2d"} and all(r.test_error_pct > 0 for r in mine)
    assert store.name_of(token) == "Ada <i>L</i>"  # kept as text; the board escapes it

    reloaded = AppTest.from_file(APP, default_timeout=120)
    reloaded.query_params["me"] = token
    reloaded.run().switch_page("pages/results.py").run()
    assert not reloaded.exception
    table = reloaded.dataframe[0].value
    assert len(table) == 2 and set(table["page"]) == {"Binary 2-D"}


def test_an_anonymous_student_is_asked_for_a_name_and_stores_nothing(database):
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert "Pick a name" in app.sidebar.caption[-1].value
    app.switch_page("pages/binary_2d.py").run()
    assert not app.exception
    assert RunStore(database).best_per_task() == []


def test_pinned_rows_stay_pinned_after_a_reload(database):
    app = named_student("Ada")
    token = app.query_params["me"]
    app.switch_page("pages/binary_2d.py").run()
    app.select_slider(key="model-C").set_value(0.0001).run()
    app.switch_page("pages/results.py").run()
    chooser = app.multiselect(key="results-pinned")
    chooser.select(next(o for o in chooser.options if o.endswith("C=1"))).run()
    assert not app.exception
    assert [r.pinned for r in RunStore(database).runs_of(token)] == [False, True]  # newest first

    reloaded = AppTest.from_file(APP, default_timeout=120)
    reloaded.query_params["me"] = token
    reloaded.run().switch_page("pages/results.py").run()
    table = reloaded.dataframe[0].value
    assert list(table["model"]) == ["logistic regression, C=1", "logistic regression, C=0.0001"]
    assert list(table["pinned"]) == [True, False]
    assert len(reloaded.multiselect(key="results-pinned").value) == 1
