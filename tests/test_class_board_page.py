"""AppTest of the class board page against a store in a temporary SQLite file."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mnistlab.store import NewRun, RunStore, new_token

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "class_board.py")
TEACHER = "teacher-token-for-the-page-test"


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("MNISTLAB_DATABASE_URL", url)
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    opened = RunStore(url)
    yield opened
    opened.close()


def save(store: RunStore, name: str, task: str, error: float) -> int:
    run = NewRun(
        page="binary_2d",
        task=task,
        model="MLP",
        settings={"model-family": "MLP"},
        metrics={"test_error_pct": error},
    )
    return store.save_run(new_token(), name, run).run_id


def board_html(app: AppTest) -> str:
    return "".join(h.proto.body for h in app.get("html"))


def test_the_board_shows_the_best_per_task_with_names_as_text(store):
    save(store, "<b>Bob</b>", "binary_2d", 2.0)
    save(store, "Ada", "binary_2d", 3.0)
    save(store, "Cy", "cnn", 0.9)
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not app.exception
    shown = board_html(app)
    assert "&lt;b&gt;Bob&lt;/b&gt;" in shown and "<b>Bob</b>" not in shown
    assert "2.00 %" in shown and "0.90 %" in shown and "3.00 %" not in shown
    assert len(app.get("plotly_chart")) == 1


def test_clearing_the_board_needs_the_teacher_token(store):
    save(store, "Ada", "cnn", 1.0)
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    app.text_input(key="teacher-token").set_value("wrong").run()
    app.button(key="clear-board").click().run()
    assert any("Only the teacher" in e.value for e in app.error)
    assert len(store.best_per_task()) == 1
    app.text_input(key="teacher-token").set_value(TEACHER).run()
    app.button(key="clear-board").click().run()
    assert not app.exception and store.best_per_task() == []


def test_the_spread_shows_each_student_once_not_every_stop_of_a_slider(store):
    """Three arrow presses on C were stored as three runs; the class's spread counts students."""
    import json

    ada = new_token()
    for error in (31.62, 27.0, 26.5):  # C = 3.162, 10, 31.62 as the slider passed them
        run = NewRun(
            page="binary_2d",
            task="binary_2d",
            model="logistic regression",
            settings={},
            metrics={"test_error_pct": error},
        )
        store.save_run(ada, "Ada", run)
    save(store, "Bob", "binary_2d", 28.0)
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not app.exception
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    points = sorted(y for trace in spec["data"] for y in trace["y"])
    assert points == [26.5, 28.0]  # Ada's best and Bob's, once each


def test_names_stay_off_the_projector_until_the_teacher_turns_them_on(store):
    from mnistlab.store.classroom import Classroom

    save(store, "Ada Lovelace", "binary_2d", 2.0)
    app = AppTest.from_file(PAGE, default_timeout=30)
    app.session_state["presenter"] = True
    app.run()
    assert not app.exception
    shown = board_html(app) + str(app.get("plotly_chart")[0].proto.spec)
    assert "Ada Lovelace" not in shown and "a student" in board_html(app) and "2.00 %" in shown
    Classroom(store).set_names_on_projector(TEACHER, True)
    app.run()
    assert "Ada Lovelace" in board_html(app)
    app.session_state["presenter"] = False
    Classroom(store).set_names_on_projector(TEACHER, False)
    app.run()
    assert "Ada Lovelace" in board_html(app)  # the students' own screens keep names
