"""The run store on SQLite and on a real PostgreSQL (a private cluster started for these tests)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
import uuid

import numpy as np
import pytest
import sqlalchemy as sa
import torch

from mnistlab.models import nets
from mnistlab.store import (
    VERSION,
    BadName,
    NewRun,
    NotAllowed,
    RunStore,
    StoreUnavailable,
    clean_name,
    new_token,
    owner_of,
    pgcluster,
    schema,
)
from mnistlab.store import engine as engines

TEACHER = "teacher-secret-for-tests"


@pytest.fixture(scope="module")
def cluster():
    if pgcluster.server_bin() is None:
        if os.environ.get("MNISTLAB_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL server binaries are required here (MNISTLAB_REQUIRE_POSTGRES is set)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
    with pgcluster.PrivateCluster(durable=False) as running:
        yield running


def fresh_database(cluster) -> str:
    """An empty database per test, so tests never see each other's rows."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return cluster.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite'}"
    return fresh_database(request.getfixturevalue("cluster"))


@pytest.fixture
def store(url):
    opened = RunStore(url)
    yield opened
    opened.close()


def a_run(task: str = "cnn", error: float = 1.5, **extra) -> NewRun:
    fields = dict(
        page="training",
        task=task,
        model="CNN",
        settings={"model": "cnn", "lr": 0.002},
        metrics={"test_error_pct": error, "test_loss": 0.05},
    )
    fields.update(extra)
    return NewRun(**fields)


def test_a_run_is_written_and_read_back(store):
    token = new_token()
    curves = {"val_error_pct": np.array([5.0, 2.5, 1.25], dtype=np.float32)}
    run = a_run(
        metrics={"test_error_pct": np.float64(1.25), "test_nll": float("nan")},
        curves=curves,
        device="cuda",
        timings={"fit_s": 3.5},
        dataset="fashion",
    )
    saved = store.save_run(token, "Ada", run)
    (back,) = store.runs_of(token)
    assert back.id == saved.run_id and back.display_name == "Ada"
    assert (back.page, back.task, back.model) == ("training", "cnn", "CNN")
    assert (back.device, back.dataset) == ("cuda", "fashion")
    assert back.settings == run.settings and back.timings == {"fit_s": 3.5}
    assert back.metrics == {"test_error_pct": 1.25, "test_nll": None}  # NaN is not JSON
    assert back.test_error_pct == 1.25 and back.curves == {"val_error_pct": [5.0, 2.5, 1.25]}
    assert abs(back.created_at - time.time()) < 60 and not back.hidden and not back.has_weights


def test_weights_round_trip(store):
    token = new_token()
    torch.manual_seed(0)
    model = nets.build("mlp")
    saved = store.save_run(token, "Ada", a_run(task="ten_classes"), weights=model)
    assert saved.weights_kept
    assert store.runs_of(token)[0].has_weights
    state = store.weights(token, saved.run_id)
    original = model.state_dict()
    assert state.keys() == original.keys()
    assert all(torch.equal(state[k], original[k]) for k in original)
    reloaded = nets.build("mlp")
    reloaded.load_state_dict(state)


def test_weights_over_the_limit_keep_the_run_without_them(url):
    small = RunStore(url, max_weights_bytes=10_000)
    try:
        token = new_token()
        saved = small.save_run(token, "Ada", a_run(), weights=nets.build("cnn"))
        assert not saved.weights_kept and "limit" in saved.note
        assert small.weights(token, saved.run_id) is None and len(small.runs_of(token)) == 1
    finally:
        small.close()


def test_two_students_are_isolated(store):
    ada, bob = new_token(), new_token()
    mine = store.save_run(ada, "Ada", a_run(), weights=nets.build("linear")).run_id
    theirs = store.save_run(bob, "Bob", a_run(error=0.9), weights=nets.build("linear")).run_id
    assert [r.id for r in store.runs_of(ada)] == [mine]
    assert [r.id for r in store.runs_of(bob)] == [theirs]
    with pytest.raises(NotAllowed):
        store.delete_run(ada, theirs)
    assert store.weights(ada, theirs) is None
    assert [r.id for r in store.runs_of(bob)] == [theirs]
    store.delete_run(ada, mine)
    assert store.runs_of(ada) == [] and len(store.runs_of(bob)) == 1


def test_only_the_token_hash_is_stored(store):
    token = new_token()
    store.set_name(token, "Ada")
    store.save_run(token, "Ada", a_run())
    assert store.name_of(token) == "Ada"
    with store.engine.connect() as conn:
        both = sa.select(schema.runs.c.owner).union(sa.select(schema.students.c.owner))
        owners = {row[0] for row in conn.execute(both)}
    assert owners == {hashlib.sha256(token.encode()).hexdigest()} == {owner_of(token)}
    assert new_token() != new_token() and len(new_token()) >= 43
    with pytest.raises(NotAllowed):
        store.runs_of("short")


def test_teacher_actions_need_the_teacher_token(store, monkeypatch):
    ada = new_token()
    first = store.save_run(ada, "Ada", a_run(error=2.0)).run_id
    store.save_run(ada, "Ada", a_run(task="binary_2d", error=10.0))
    monkeypatch.delenv("MNISTLAB_TEACHER_TOKEN", raising=False)
    with pytest.raises(NotAllowed):
        store.clear_board(TEACHER)  # no teacher token configured: nobody is the teacher
    monkeypatch.setenv("MNISTLAB_TEACHER_TOKEN", TEACHER)
    for wrong in (None, "", ada, TEACHER + "x", TEACHER[:-1]):
        for action in (
            lambda t: store.clear_board(t),
            lambda t: store.hide(t, first),
            lambda t: store.set_submissions(t, False),
        ):
            with pytest.raises(NotAllowed):
                action(wrong)
    assert len(store.best_per_task()) == 2
    store.hide(TEACHER, first)
    assert [e.task for e in store.best_per_task()] == ["binary_2d"]
    store.set_submissions(TEACHER, False)
    assert not store.submissions_open()
    late = store.save_run(ada, "Ada", a_run(error=0.1)).run_id
    assert late in [r.id for r in store.runs_of(ada)]  # kept for the student ...
    assert all(e.run_id != late for e in store.task_results("cnn"))  # ... not on the closed board
    assert store.clear_board(TEACHER) == 1
    assert store.best_per_task() == [] and len(store.runs_of(ada)) == 3


def test_names_with_markup_are_kept_as_text_and_control_characters_dropped(store):
    raw = "  <img src=x onerror=alert(1)>\x00\x1b[31m**bold**\u202e\n[link](javascript:x)" + "z" * 100
    name = clean_name(raw)
    assert name.startswith("<img src=x onerror=alert(1)>")
    assert len(name) <= 40 and all(ch.isprintable() for ch in name) and "\u202e" not in name
    token = new_token()
    store.save_run(token, raw, a_run())
    assert store.best_per_task()[0].display_name == name == store.runs_of(token)[0].display_name
    for empty in ("", "   ", "\x00\x07", "\u200b"):
        with pytest.raises(BadName):
            clean_name(empty)


def test_a_version_1_database_is_upgraded_with_its_rows_kept(url):
    engine = engines.make_engine(url)
    old_owner = owner_of(new_token())
    with engine.begin() as conn:
        schema.create_v1(conn)
        conn.execute(
            schema.v1_metadata.tables["runs"].insert(),
            [
                dict(
                    owner=old_owner,
                    display_name=name,
                    page="binary_2d",
                    task="binary_2d",
                    model="Logistic",
                    settings={"C": 1.0},
                    dataset="mnist",
                    metrics={"test_error_pct": err},
                    test_error_pct=err,
                    device="cpu",
                    created_at=created,
                )
                for name, err, created in (("Ada", 3.0, 1.0), ("Ada L.", 2.0, 2.0))
            ],
        )
    engine.dispose()
    store = RunStore(url)
    try:
        best = store.best_per_task()
        assert [(e.display_name, e.test_error_pct, e.settings) for e in best] == [("Ada L.", 2.0, {"C": 1.0})]
        assert any(f"version 1 to {VERSION}" in n for n in store.notices)
        with store.engine.connect() as conn:
            assert schema.current_version(conn) == VERSION
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.runs)).scalar() == 2
            assert conn.execute(sa.select(schema.students.c.display_name)).scalars().all() == ["Ada L."]
        store.save_run(new_token(), "New", a_run(), weights=nets.build("linear"))  # new columns usable
        assert len(store.task_results("binary_2d")) == 2
    finally:
        store.close()
    reopened = RunStore(url)
    reopened.best_per_task()
    assert reopened.notices == []  # nothing left to upgrade
    reopened.close()


def test_a_student_pins_only_their_own_runs(store):
    ada, bob = new_token(), new_token()
    first = store.save_run(ada, "Ada", a_run()).run_id
    second = store.save_run(ada, "Ada", a_run(error=1.0)).run_id
    theirs = store.save_run(bob, "Bob", a_run()).run_id
    store.set_pinned(ada, [first, theirs], True)
    assert {r.id: r.pinned for r in store.runs_of(ada)} == {first: True, second: False}
    assert not store.runs_of(bob)[0].pinned  # another student's run is left alone
    store.set_pinned(ada, [first], False)
    assert not any(r.pinned for r in store.runs_of(ada))


def test_a_version_2_database_gains_the_pinned_flag_with_its_rows_kept(url):
    engine = engines.make_engine(url)
    owner_token = new_token()
    with engine.begin() as conn:
        schema.create_v2(conn)
        conn.execute(
            schema.v2_metadata.tables["runs"].insert(),
            dict(
                owner=owner_of(owner_token),
                display_name="Ada",
                page="binary_2d",
                task="binary_2d",
                model="Logistic",
                settings={"C": 1.0},
                dataset="mnist",
                metrics={"test_error_pct": 2.0},
                test_error_pct=2.0,
                device="cpu",
                created_at=1.0,
                hidden=False,
            ),
        )
    engine.dispose()
    store = RunStore(url)
    try:
        (old,) = store.runs_of(owner_token)
        assert (old.model, old.pinned) == ("Logistic", False)
        assert any(f"version 2 to {VERSION}" in n for n in store.notices)
        store.set_pinned(owner_token, [old.id], True)
        assert store.runs_of(owner_token)[0].pinned
        with store.engine.connect() as conn:
            assert schema.current_version(conn) == VERSION
    finally:
        store.close()


def test_a_corrupt_sqlite_file_is_moved_aside_and_recreated(tmp_path):
    path = tmp_path / "runs.sqlite"
    garbage = b"this is not a database" * 500
    path.write_bytes(garbage)
    store = RunStore(f"sqlite:///{path}")
    token = new_token()
    store.save_run(token, "Ada", a_run())
    assert len(store.runs_of(token)) == 1
    (moved,) = tmp_path.glob("runs.sqlite.corrupt-*")
    assert moved.read_bytes() == garbage
    assert len(store.notices) == 1 and moved.name in store.notices[0]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_an_unreachable_database_queues_writes_until_flush(cluster):
    store = RunStore(fresh_database(cluster))
    token = new_token()
    store.save_run(token, "Ada", a_run(error=3.0))
    cluster.stop()
    try:
        with pytest.raises(StoreUnavailable) as down:
            store.save_run(token, "Ada", a_run(error=2.0), weights=nets.build("linear"))
        assert down.value.queued and store.pending == 1
        with pytest.raises(StoreUnavailable):
            store.runs_of(token)
        with pytest.raises(StoreUnavailable):
            store.flush()
    finally:
        cluster.start()
    assert store.flush() == 1 and store.pending == 0
    runs = store.runs_of(token)
    assert [r.test_error_pct for r in runs] == [2.0, 3.0] and runs[0].has_weights
    store.close()


def test_a_database_never_reached_raises_a_clear_error():
    store = RunStore(f"postgresql+psycopg://nobody@127.0.0.1:{pgcluster.free_port()}/none")
    with pytest.raises(StoreUnavailable, match="cannot be reached") as down:
        store.save_run(new_token(), "Ada", a_run())
    assert down.value.queued and store.pending == 1
    store.close()


def test_a_locked_sqlite_database_queues_writes_until_flush(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "runs.sqlite"
    store = RunStore(f"sqlite:///{path}")
    token = new_token()
    store.save_run(token, "Ada", a_run())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="busy") as locked:
            store.save_run(token, "Ada", a_run(error=1.0))
        assert locked.value.queued and store.pending == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.flush() == 1
    assert len(store.runs_of(token)) == 2
    store.close()


def test_twenty_students_writing_at_once_lose_nothing(url):
    store = RunStore(url)
    students, runs_each = 20, 8
    tokens = [new_token() for _ in range(students)]
    start, errors = threading.Barrier(students), []

    def student(i: int) -> None:
        try:
            store.set_name(tokens[i], f"student {i}")
            start.wait()
            for k in range(runs_each):
                store.save_run(tokens[i], f"student {i}", a_run(error=float(i * 100 + k)))
        except Exception as exc:  # any failure must fail the test, not die silently in a thread
            errors.append(exc)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(students)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and store.pending == 0
    for i, token in enumerate(tokens):
        expected = [float(i * 100 + k) for k in range(runs_each)]
        assert sorted(r.test_error_pct for r in store.runs_of(token)) == expected
    assert len(store.task_results("cnn")) == students * runs_each
    assert store.best_per_task()[0].display_name == "student 0"
    store.close()


def test_the_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("MNISTLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path))
    assert engines.database_url() == f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("MNISTLAB_DATABASE_URL", "postgresql://u:p@db:5432/lab")
    assert engines.database_url() == "postgresql+psycopg://u:p@db:5432/lab"  # psycopg 3, not psycopg2
