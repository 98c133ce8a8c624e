"""AppTest of the Lesson page against a store in a temporary SQLite file: joining, the teacher's gate,
opening a class, the lesson's steps and counts, predict-then-reveal; refusals leave the store unchanged."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from mnistlab.store import RunStore, new_token, schema
from mnistlab.store.classroom import Classroom

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "lesson.py")
TEACHER = "teacher-token-for-the-lesson-test"


@pytest.fixture
def room(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("MNISTLAB_DATABASE_URL", url)
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    store = RunStore(url)
    yield Classroom(store)
    store.close()


def page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60)


def texts(app: AppTest) -> str:
    return " ".join(e.value for kind in ("error", "success", "warning", "caption") for e in app.get(kind))


def member_rows(room: Classroom) -> list:
    with room.store.engine.connect() as conn:
        return conn.execute(sa.select(schema.class_members)).all()


def unlock(app: AppTest, token: str = TEACHER) -> AppTest:
    app.text_input(key="class-token").set_value(token)
    return app.button(key="class-unlock").click().run()


def test_a_student_with_an_unknown_code_is_told_so_and_nothing_is_stored(room):
    room.open_class(TEACHER)
    app = page().run()
    assert not app.exception
    app.text_input(key="class-code-input").set_value("ZZZZZZ")
    app.button(key="class-join").click().run()
    assert "There is no class with the code ZZZZZZ" in texts(app)
    assert member_rows(room) == [] and "class" not in app.query_params


def test_a_student_joins_with_the_code_from_the_link_and_gets_a_nickname(room):
    code = room.open_class(TEACHER).code
    app = page()
    app.query_params["join"] = code.lower()
    app.run()
    assert app.text_input(key="class-code-input").value == code.lower()
    app.button(key="class-join").click().run()
    assert not app.exception
    assert app.query_params["class"] == code and app.query_params["me"]
    (row,) = member_rows(room)
    assert row.number == 1 and len(row.display_name.split()) == 2  # "Swift Otter"
    assert f"You are in class **{code}**" in texts(app)


def test_a_second_teacher_without_the_token_gets_no_controls(room):
    app = unlock(page().run(), "a-guess-at-the-token")
    assert "not the teacher token" in texts(app)
    assert not [b for b in app.button if b.key == "class-open"]
    with room.store.engine.connect() as conn:
        assert (
            conn.execute(sa.select(schema.classes)).all() == []
            if sa.inspect(conn).has_table("classes")
            else True
        )


def test_the_teacher_opens_a_class_leads_the_lesson_and_reveals_a_prediction(room):
    app = unlock(page().run())
    app.button(key="class-open").click().run()
    assert not app.exception
    code = app.session_state["class-lead"]
    assert code in "".join(h.proto.body for h in app.get("html"))  # the code, large
    assert len(app.get("image")) == 1  # the QR code
    ada, bob = new_token(), new_token()
    room.join(code, ada, "Ada")
    room.join(code, bob, "Bob")
    app.run()
    assert app.metric[0].value == "2"
    app.button(key="class-next").click().run()  # start the lesson: step 1
    state = room.poll(code, ada)
    assert (state.lesson, state.step, state.page) == ("course", 0, "data")
    app.button(key="class-next").click().run()  # step 2: exercise 2.2
    state = room.poll(code, ada)
    assert (state.step, state.page, state.settings["model-family"]) == (1, "binary_2d", "Logistic regression")
    room.report_step(code, ada, 1)
    app.run()
    counts = "".join(h.proto.body for h in app.get("html"))
    assert "Ada" not in counts and "Bob" not in counts  # counts, never names
    # The step's prediction is offered; the class answers; the reveal measures on the test split.
    assert app.text_input(key="class-question-1").value == "Which C gives the lowest test error?"
    app.button(key="class-ask").click().run()
    question = room.poll(code, ada).question
    room.answer(code, ada, question.id, 0.01)
    room.answer(code, bob, question.id, 100.0)
    app.run()
    app.button(key="class-reveal").click().run()
    assert not app.exception
    revealed = room.poll(code, ada).question
    assert revealed.revealed and revealed.truth is not None and "test images" in revealed.truth_label
    assert f"Measured: **{revealed.truth:g}**" in texts(app)


def test_the_teacher_pauses_and_releases_the_class(room):
    app = unlock(page().run())
    app.button(key="class-open").click().run()
    code = app.session_state["class-lead"]
    app.text_input(key="class-message").set_value("Look up, please")
    app.toggle(key="class-paused").set_value(True).run()
    state = room.poll(code, None)
    assert state.paused and state.message == "Look up, please"
    app.toggle(key="class-paused").set_value(False).run()
    assert not room.poll(code, None).paused
