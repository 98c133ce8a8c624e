"""The tables, their version, and the path from every older version to this one.

The app creates and upgrades its own schema: ``upgrade(connection)`` reads the version table and
applies each step in order inside one transaction, so an old database is migrated (its rows kept)
and a failed step leaves it as it was. A database newer than this code is refused, not touched.

History
  1  runs: owner, display name, page, task, model, settings, dataset, metrics, test error, device, time
  2  runs gain curves, timings, a hidden flag and weights; students (token hash -> name); board settings
  3  runs gain a pinned flag (kept at the top of the student's Results for the lesson)
  4  a class session: classes (code, what the teacher publishes), class_members, snapshots, answers
"""

from __future__ import annotations

import sqlalchemy as sa

VERSION = 4
metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),  # sha256 of the student's token
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
    sa.Column("created_at", sa.Float, nullable=False),  # unix seconds: sorts the same on every backend
    # Version 2.
    sa.Column("curves", sa.JSON, nullable=True),
    sa.Column("timings", sa.JSON, nullable=True),
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("weights", sa.LargeBinary, nullable=True),
    # Version 3.
    sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
)

students = sa.Table(
    "students",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

board = sa.Table(
    "board",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

# Version 4: a class session. Every page of every joined student reads its class's row every few seconds
# (one primary-key lookup joined to the student's own member row): what to follow, pause, the question.
classes = sa.Table(
    "classes",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("opened_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),  # +1 on every change a student's page must follow
    sa.Column("page", sa.String(64), nullable=True),  # the page students follow (its URL path)
    sa.Column("settings", sa.JSON, nullable=False),  # that page's URL query parameters
    sa.Column("paced", sa.String(16), nullable=False),  # "teacher" (students follow) or "student"
    sa.Column("paused", sa.Boolean, nullable=False),
    sa.Column("message", sa.String(200), nullable=False),  # shown over every page while paused
    sa.Column("lesson", sa.String(64), nullable=True),  # the lesson plan's file stem
    sa.Column("step", sa.Integer, nullable=True),  # its step the class is on (0-based)
    sa.Column("question", sa.JSON, nullable=True),  # the open numeric question, see classroom.Question
)

class_members = sa.Table(
    "class_members",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),  # sha256 of the student's token
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # "Student n" on the projector: order of joining
    sa.Column("joined_at", sa.Float, nullable=False),
    sa.Column("step", sa.Integer, nullable=True),  # the lesson step the student's page is on
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("page", sa.String(64), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),  # the URL query parameters: the setting to draw again
    sa.Column("knobs", sa.JSON, nullable=False),  # the knobs' typed values (C as a number, not "1e-3")
    sa.Column("result", sa.JSON, nullable=False),  # the student's numbers
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("position", sa.Integer, nullable=True),  # the teacher's order for projecting; None: not picked
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("question", sa.Integer, primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
CLASS_TABLES = (classes, class_members, snapshots, answers)


# Older versions as they shipped, kept so each migration can be tested against a real old database.
def _old_metadata(without: tuple[str, ...]) -> sa.MetaData:
    old = sa.MetaData()
    sa.Table("schema_version", old, sa.Column("version", sa.Integer, nullable=False))
    sa.Table(
        "runs",
        old,
        *(
            sa.Column(
                c.name,
                c.type,
                primary_key=c.primary_key,
                nullable=c.nullable,
                index=c.index,
                # The flags (hidden, pinned) are this schema's only server defaults, both false.
                server_default=sa.false() if c.server_default is not None else None,
            )
            for c in runs.c
            if c.name not in without
        ),
    )
    return old


v1_metadata = _old_metadata(("curves", "timings", "hidden", "weights", "pinned"))
v2_metadata = _old_metadata(("pinned",))


def create_v1(conn: sa.Connection) -> None:
    v1_metadata.create_all(conn)
    conn.execute(v1_metadata.tables["schema_version"].insert().values(version=1))


def create_v2(conn: sa.Connection) -> None:
    v2_metadata.create_all(conn)
    students.create(conn)
    board.create(conn)
    conn.execute(v2_metadata.tables["schema_version"].insert().values(version=2))


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
    latest = sa.select(runs.c.owner, runs.c.display_name, runs.c.created_at).order_by(
        runs.c.owner, runs.c.created_at.desc()
    )
    seen: dict[str, tuple[str, float]] = {}
    for owner, name, created in conn.execute(latest):
        seen.setdefault(owner, (name, created))
    if seen:
        rows = [dict(owner=o, display_name=n, created_at=t) for o, (n, t) in seen.items()]
        conn.execute(students.insert(), rows)


def _v2_to_v3(conn: sa.Connection) -> None:
    _add_column(conn, runs, "pinned")


def _v3_to_v4(conn: sa.Connection) -> None:
    for table in CLASS_TABLES:
        table.create(conn)


def create_v3(conn: sa.Connection) -> None:
    """A version-3 database as it shipped (for the migration's test)."""
    metadata.create_all(conn, tables=[schema_version, runs, students, board])
    conn.execute(schema_version.insert().values(version=3))


MIGRATIONS = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}  # from version n to n + 1


def current_version(conn: sa.Connection) -> int | None:
    """None for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()


def upgrade(conn: sa.Connection) -> tuple[int | None, int]:
    """Bring the database to VERSION; returns (the version found, None if new; the version now)."""
    found = version = current_version(conn)
    if version is None:
        metadata.create_all(conn)
        conn.execute(schema_version.insert().values(version=VERSION))
        return None, VERSION
    if version > VERSION:
        raise SchemaTooNew(
            f"The run database has schema version {version}; this mnistlab knows up to {VERSION}."
        )
    while version < VERSION:
        MIGRATIONS[version](conn)
        version += 1
    if version != found:
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=version))
    return found, version
