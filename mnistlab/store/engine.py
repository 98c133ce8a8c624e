"""Where the runs live: a SQLite file in the data cache, or PostgreSQL if MNISTLAB_DATABASE_URL says so.

SQLite runs in WAL mode (readers never wait for a writer) with a busy timeout, and write transactions
start with BEGIN IMMEDIATE: a deferred transaction that later wants to write can fail at once with
"database is locked" instead of waiting its turn.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa

from mnistlab.data import datasets

DATABASE_URL_ENV = "MNISTLAB_DATABASE_URL"
SQLITE_FILE = "runs.sqlite"
BUSY_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 3


def database_url() -> str:
    explicit = os.environ.get(DATABASE_URL_ENV, "").strip()
    if explicit:
        # A plain postgresql:// URL means psycopg 3 here (SQLAlchemy would pick psycopg2).
        if explicit.startswith(("postgresql://", "postgres://")):
            explicit = "postgresql+psycopg://" + explicit.split("://", 1)[1]
        return explicit
    return f"sqlite:///{datasets.cache_dir() / SQLITE_FILE}"


def sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 40) -> sa.Engine:
    """An engine whose writes go through ``engine.connect().execution_options(write=True)``."""
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        _sqlite_transactions(engine)
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if backend == "postgresql" else {}
    # pre_ping: after a database restart the pool's old connections are dead; test before use.
    return sa.create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_timeout=30,
        connect_args=connect_args,
    )


def _sqlite_transactions(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL's recommended level: durable across app crashes
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def is_corrupt_sqlite(path: Path) -> bool:
    """True when the file exists and SQLite cannot read it as a database (not when it is merely locked)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S) as conn:
            result = conn.execute("PRAGMA quick_check").fetchone()
            return result is None or result[0] != "ok"
    except sqlite3.OperationalError as exc:
        return "locked" not in str(exc) and "busy" not in str(exc)
    except sqlite3.DatabaseError:
        return True


def move_aside(path: Path) -> Path:
    """Rename a damaged file (and its WAL and shared-memory files) out of the way; returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target
