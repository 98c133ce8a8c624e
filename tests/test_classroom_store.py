"""The class session in the run store: codes, joining, following, pause, snapshots, answers; refusals."""

import time

import pytest
import sqlalchemy as sa

from mnistlab.store import BadName, NotAllowed, RunStore, new_token, schema
from mnistlab.store import engine as engines
from mnistlab.store.classroom import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Classroom,
    NotAMember,
    UnknownClass,
    normalise_code,
)
from tests.test_store import TEACHER, cluster, fresh_database  # noqa: F401 (cluster is a fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite'}"
    return fresh_database(request.getfixturevalue("cluster"))


@pytest.fixture
def room(url, monkeypatch):
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    store = RunStore(url)
    yield Classroom(store)
    store.close()


def table_rows(room: Classroom, table: sa.Table) -> list:
    room.store.submissions_open()  # any read creates the schema
    with room.store.engine.connect() as conn:
        return conn.execute(sa.select(table)).all()


def test_a_class_code_is_short_unambiguous_and_joins_by_any_case(room):
    code = room.open_class(TEACHER).code
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("01OIL")
    ada = new_token()
    member = room.join(f"  {code.lower()} ", ada, "Ada")
    assert (member.number, member.display_name) == (1, "Ada")
    assert room.poll(code, ada).member_number == 1


def test_students_are_numbered_in_joining_order_and_a_rejoin_keeps_the_number(room):
    code = room.open_class(TEACHER).code
    ada, bob = new_token(), new_token()
    room.join(code, ada, "Ada")
    room.join(code, bob, None)  # no name: a generated nickname
    again = room.join(code, ada, "Ada L.")
    assert again.number == 1
    members = room.members(TEACHER, code)
    assert [m.number for m in members] == [1, 2]
    assert members[0].display_name == "Ada L."
    adjective, animal = members[1].display_name.split()
    assert adjective[0].isupper() and animal[0].isupper()


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDE0", "ABCDEFG", "ZZZZZZ"])
def test_an_unknown_code_is_refused_with_a_message_and_nothing_is_written(room, typed):
    room.open_class(TEACHER)
    with pytest.raises(UnknownClass, match="code"):
        room.join(typed, new_token(), "Ada")
    assert table_rows(room, schema.class_members) == []


def test_an_expired_class_refuses_joining_and_polling(room):
    code = room.open_class(TEACHER, hours=1 / 3600).code  # one second
    ada = new_token()
    room.join(code, ada, "Ada")
    time.sleep(1.1)
    with pytest.raises(UnknownClass, match="has ended"):
        room.join(code, new_token(), "Bob")
    with pytest.raises(UnknownClass, match="has ended"):
        room.poll(code, ada)
    assert len(table_rows(room, schema.class_members)) == 1


def test_a_closed_class_refuses_its_code(room):
    code = room.open_class(TEACHER).code
    room.close_class(TEACHER, code)
    with pytest.raises(UnknownClass, match="has ended"):
        room.class_info(code)


def test_a_second_teacher_without_the_token_cannot_open_or_lead_a_class(room):
    with pytest.raises(NotAllowed):
        room.open_class("not-the-teacher")
    with pytest.raises(NotAllowed):
        room.open_class(None)
    assert table_rows(room, schema.classes) == []
    code = room.open_class(TEACHER).code
    before = room.poll(code, new_token())
    with pytest.raises(NotAllowed):
        room.publish("guess", code, "binary_2d", {"model-C": "0.01"})
    with pytest.raises(NotAllowed):
        room.set_paused(None, code, True)
    assert room.poll(code, new_token()) == before


def test_a_student_token_is_not_a_teacher_token(room):
    code = room.open_class(TEACHER).code
    ada = new_token()
    room.join(code, ada, "Ada")
    refused = [
        lambda: room.publish(ada, code, "binary_2d", {}),
        lambda: room.set_paused(ada, code, True),
        lambda: room.set_paced(ada, code, "student"),
        lambda: room.remove(ada, code, 1),
        lambda: room.members(ada, code),
        lambda: room.snapshots(ada, code),
        lambda: room.ask(ada, code, "Which C?"),
        lambda: room.reveal(ada, code, 1.0),
        lambda: room.set_names_on_projector(ada, True),
        lambda: room.close_class(ada, code),
    ]
    state = room.poll(code, ada)
    for action in refused:
        with pytest.raises(NotAllowed):
            action()
    assert room.poll(code, ada) == state
    assert len(room.members(TEACHER, code)) == 1


def test_what_the_teacher_publishes_every_student_reads_and_the_revision_moves_only_on_change(room):
    code = room.open_class(TEACHER).code
    ada = new_token()
    room.join(code, ada, "Ada")
    start = room.poll(code, ada)
    assert (start.page, start.settings, start.paced, start.paused) == (None, {}, "teacher", False)
    assert room.publish(TEACHER, code, "binary_2d", {"model-C": "0.01", "pair-a": "3"})
    moved = room.poll(code, ada)
    assert (moved.page, moved.settings) == ("binary_2d", {"model-C": "0.01", "pair-a": "3"})
    assert moved.revision == start.revision + 1
    assert not room.publish(TEACHER, code, "binary_2d", {"pair-a": "3", "model-C": "0.01"})
    assert room.poll(code, ada).revision == moved.revision
    room.set_paced(TEACHER, code, "student")
    room.set_paused(TEACHER, code, True, "  Look   up ")
    state = room.poll(code, ada)
    assert (state.paced, state.paused, state.message) == ("student", True, "Look up")
    room.set_paused(TEACHER, code, False)
    assert not room.poll(code, ada).paused


def test_a_removed_student_is_told_so_and_cannot_send(room):
    code = room.open_class(TEACHER).code
    ada, bob = new_token(), new_token()
    room.join(code, ada, "Ada")
    room.join(code, bob, "Bob")
    room.remove(TEACHER, code, 1)
    assert room.poll(code, ada).member_number is None
    assert room.poll(code, bob).member_number == 2
    with pytest.raises(NotAMember):
        room.send_snapshot(code, ada, "binary_2d", {}, {}, {})
    with pytest.raises(NotAMember):
        room.remove(TEACHER, code, 1)
    assert [m.display_name for m in room.members(TEACHER, code)] == ["Bob"]


def test_a_bad_name_is_refused(room):
    code = room.open_class(TEACHER).code
    with pytest.raises(BadName):
        room.join(code, new_token(), "\u200b\u200b")  # only invisible characters: empty once cleaned


def test_snapshots_are_anonymous_numbered_by_sender_and_projected_in_the_teachers_order(room):
    code = room.open_class(TEACHER).code
    ada, bob = new_token(), new_token()
    room.join(code, bob, "Bob")
    room.join(code, ada, "Ada")
    first = room.send_snapshot(
        code, ada, "binary_2d", {"model-C": "1e-3"}, {"model-C": 0.001}, {"test_error_pct": 27.5}
    )
    second = room.send_snapshot(code, bob, "binary_2d", {}, {"model-C": 1.0}, {"test_error_pct": 26.6})
    third = room.send_snapshot(code, ada, "binary_2d", {}, {"model-C": 10.0}, {"test_error_pct": 26.5})
    shots = room.snapshots(TEACHER, code)
    assert [(s.id, s.student) for s in shots] == [(first, 1), (second, 2), (third, 1)]
    assert shots[0].knobs == {"model-C": 0.001} and shots[0].result == {"test_error_pct": 27.5}
    room.pick(TEACHER, code, [third, first])
    positions = {s.id: s.position for s in room.snapshots(TEACHER, code)}
    assert positions == {first: 1, second: None, third: 0}


def test_answers_are_pooled_replaced_by_a_second_answer_and_closed_by_the_reveal(room):
    code = room.open_class(TEACHER).code
    ada, bob, eve = new_token(), new_token(), new_token()
    room.join(code, ada, "Ada")
    room.join(code, bob, "Bob")
    question = room.ask(TEACHER, code, "Which C gives the lowest test error?", unit="C")
    assert room.poll(code, ada).question == question
    room.answer(code, ada, question.id, 0.1)
    room.answer(code, ada, question.id, 10.0)  # changed her mind
    room.answer(code, bob, question.id, 1.0)
    with pytest.raises(NotAMember):
        room.answer(code, eve, question.id, 3.0)
    with pytest.raises(ValueError, match="number"):
        room.answer(code, bob, question.id, float("nan"))
    assert room.answers(code, question.id) == [1.0, 10.0]
    revealed = room.reveal(TEACHER, code, 0.03, "lowest test error at C = 0.03")
    assert room.poll(code, bob).question == revealed and revealed.truth == 0.03
    with pytest.raises(ValueError, match="revealed"):
        room.answer(code, bob, question.id, 2.0)
    assert room.answers(code, question.id) == [1.0, 10.0]
    following = room.ask(TEACHER, code, "How many test images are wrong?")
    assert following.id == question.id + 1 and room.answers(code, following.id) == []
    with pytest.raises(ValueError, match="no longer open"):
        room.answer(code, ada, question.id, 5.0)


def test_step_counts_are_counts(room):
    code = room.open_class(TEACHER).code
    tokens = [new_token() for _ in range(3)]
    for n, token in enumerate(tokens):
        room.join(code, token, f"S{n}")
    room.report_step(code, tokens[0], 0)
    room.report_step(code, tokens[1], 2)
    room.report_step(code, tokens[2], 2)
    assert room.step_counts(code) == {0: 1, 2: 2}


def test_the_class_lives_in_the_database_not_the_process(url, monkeypatch):
    """A second store on the same database (another replica) sees the class the first one opened."""
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    first, second = RunStore(url), RunStore(url)
    try:
        code = Classroom(first).open_class(TEACHER).code
        ada = new_token()
        Classroom(second).join(code, ada, "Ada")
        Classroom(first).publish(TEACHER, code, "draw", {})
        first.close()  # the first replica dies
        assert Classroom(second).poll(code, ada).page == "draw"
    finally:
        second.close()


def test_a_version_3_database_gains_the_class_tables_with_its_runs_kept(url, monkeypatch):
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    engine = engines.make_engine(url)
    with engine.begin() as conn:
        schema.create_v3(conn)
        conn.execute(schema.students.insert().values(owner="a" * 64, display_name="Ada", created_at=1.0))
    engine.dispose()
    store = RunStore(url)
    try:
        code = Classroom(store).open_class(TEACHER).code
        assert normalise_code(code) == code
        assert any("version 3 to 4" in n for n in store.notices)
        with store.engine.connect() as conn:
            assert schema.current_version(conn) == schema.VERSION == 4
            assert conn.execute(sa.select(schema.students.c.display_name)).scalars().all() == ["Ada"]
    finally:
        store.close()


def test_names_stay_off_the_projector_until_the_teacher_turns_them_on(room):
    assert room.names_on_projector() is False
    with pytest.raises(NotAllowed):
        room.set_names_on_projector(new_token(), True)
    assert room.names_on_projector() is False
    room.set_names_on_projector(TEACHER, True)
    assert room.names_on_projector() is True
    room.set_names_on_projector(TEACHER, False)
    assert room.names_on_projector() is False
