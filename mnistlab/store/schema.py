"""The tables, their version, and the path from every older version to this one.

The app creates and upgrades its own schema: ``upgrade(connection)`` reads the version table and
applies each step in order inside one transaction, so an old database is migrated (its rows kept)
and a failed step leaves it as it was. A database newer than this code is refused, not touched.

History
  1  runs: owner, display name, page, task, model, settings, dataset, metrics, test error, device, time
  2  runs gain curves, timings, a hidden flag and weights; students (token hash -> name); board settings
"""

from __future__ import annotations

import sqlalchemy as sa

VERSION = 2
metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),   # sha256 of the student's token
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("page", sa.String(64), nullable=False),
    sa.Column("task", sa.String(32), nullable=False, index=True),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("dataset", sa.String(32), nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),
    # Copied out of metrics so the board can rank by it in SQL.
    sa.Column("test_error_pct", sa.Float, nullable=True),
    sa.Column("device", sa.String(32), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),                # unix seconds: sorts the same everywhere
    # Version 2.
    sa.Column("curves", sa.JSON, nullable=True),
    sa.Column("timings", sa.JSON, nullable=True),
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("weights", sa.LargeBinary, nullable=True),
)

students = sa.Table(
    "students", metadata,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

board = sa.Table(
    "board", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

# Version 1 exactly as it shipped, kept so the migration can be tested against a real old file.
V1_DDL = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, owner VARCHAR(64) NOT NULL, display_name VARCHAR(64) NOT NULL,"
    " page VARCHAR(64) NOT NULL, task VARCHAR(32) NOT NULL, model VARCHAR(200) NOT NULL, settings JSON NOT NULL,"
    " dataset VARCHAR(32) NOT NULL, metrics JSON NOT NULL, test_error_pct FLOAT, device VARCHAR(32) NOT NULL,"
    " created_at FLOAT NOT NULL)",
    "CREATE INDEX ix_runs_owner ON runs (owner)",
    "CREATE INDEX ix_runs_task ON runs (task)",
    "INSERT INTO schema_version (version) VALUES (1)",
)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer mnistlab; upgrading this one is the fix, not dropping data."""


def _add_column(conn: sa.Connection, table: sa.Table, name: str) -> None:
    column = table.c[name]
    ddl = f"ALTER TABLE {table.name} ADD COLUMN {name} {column.type.compile(dialect=conn.dialect)}"
    if column.server_default is not None:
        default = sa.false().compile(dialect=conn.dialect)
        ddl += f" DEFAULT {default} NOT NULL"
    conn.exec_driver_sql(ddl)


def _v1_to_v2(conn: sa.Connection) -> None:
    for name in ("curves", "timings", "hidden", "weights"):
        _add_column(conn, runs, name)
    students.create(conn)
    board.create(conn)
    # Version 1 kept the name on each run only; the latest one a student used becomes their name.
    latest = (sa.select(runs.c.owner, runs.c.display_name, runs.c.created_at)
              .order_by(runs.c.owner, runs.c.created_at.desc()))
    seen: dict[str, tuple[str, float]] = {}
    for owner, name, created in conn.execute(latest):
        seen.setdefault(owner, (name, created))
    if seen:
        conn.execute(students.insert(), [dict(owner=o, display_name=n, created_at=t) for o, (n, t) in seen.items()])


MIGRATIONS = {1: _v1_to_v2}   # from version n to n + 1


def current_version(conn: sa.Connection) -> int | None:
    """None for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()


def upgrade(conn: sa.Connection) -> tuple[int | None, int]:
    """Bring the database to VERSION; returns (the version found, None for a new database; the version now)."""
    found = version = current_version(conn)
    if version is None:
        metadata.create_all(conn)
        conn.execute(schema_version.insert().values(version=VERSION))
        return None, VERSION
    if version > VERSION:
        raise SchemaTooNew(f"The run database has schema version {version}; this mnistlab knows up to {VERSION}.")
    while version < VERSION:
        MIGRATIONS[version](conn)
        version += 1
    if version != found:
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=version))
    return found, version
