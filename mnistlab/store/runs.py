"""The run store: every fitted or trained model kept, per student, and the class board's queries.

Pages hand over a ``NewRun`` as it finishes. A database that is down or locked raises
``StoreUnavailable`` and keeps the write in a small in-memory outbox that ``flush()`` writes later, so
the dashboard keeps working without persistence meanwhile.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from mnistlab.store import engine as engines
from mnistlab.store import identity
from mnistlab.store.schema import board, runs, students, upgrade

# The board's tasks: each is ranked on its own test error.
TASKS = {
    "binary_2d": "Binary 7 vs 9, two PCA components",
    "binary_784": "Binary 7 vs 9, 784 pixels",
    "ten_classes": "Ten classes",
    "cnn": "Ten classes, the CNN",
}
MAX_WEIGHTS_BYTES = 8 * 1024 * 1024  # the CNN's state dict is about 1.8 MB
OUTBOX_SIZE = 100
_PAGE_SHAPE = re.compile(r"[a-z0-9_]{1,64}")
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or is locked; ``queued`` says whether the write waits in the outbox."""

    def __init__(self, message: str, queued: bool = False):
        super().__init__(message)
        self.queued = queued


@dataclass(frozen=True)
class NewRun:
    page: str  # the page's URL path, e.g. "binary_2d"
    task: str  # a key of TASKS
    model: str  # what the Results table shows, e.g. "MLP (200, 100)"
    settings: dict  # the page's URL query parameters: "open this setting" links use them
    dataset: str = "mnist"
    metrics: dict = field(default_factory=dict)  # test_error_pct is what the board ranks by
    curves: dict | None = None  # per-epoch series, e.g. {"val_error_pct": [...]}
    device: str = "cpu"
    timings: dict | None = None  # e.g. {"fit_s": 1.2}


@dataclass(frozen=True)
class Run:
    id: int
    display_name: str
    page: str
    task: str
    model: str
    settings: dict
    dataset: str
    metrics: dict
    test_error_pct: float | None
    curves: dict | None
    device: str
    timings: dict | None
    created_at: float
    hidden: bool
    has_weights: bool
    pinned: bool = False  # kept at the top of the student's Results for the lesson


@dataclass(frozen=True)
class BoardEntry:
    run_id: int
    task: str
    display_name: str  # as typed (cleaned); escape it when rendering
    test_error_pct: float
    model: str
    page: str
    settings: dict
    created_at: float


@dataclass(frozen=True)
class Saved:
    run_id: int
    weights_kept: bool
    note: str = ""


def plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python numbers, NaN and infinities to None (PostgreSQL refuses them)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def weights_blob(weights: Any) -> bytes:
    """``torch.save`` of a state dict (from a module, a state dict, or bytes already saved)."""
    if isinstance(weights, bytes | bytearray):
        return bytes(weights)
    from mnistlab.models.weights import weights_bytes  # only the pages that store weights import torch

    return weights_bytes(weights)


class RunStore:
    def __init__(
        self,
        url: str | None = None,
        *,
        pool_size: int = 10,
        max_weights_bytes: int = MAX_WEIGHTS_BYTES,
        outbox_size: int = OUTBOX_SIZE,
    ):
        self.url = url or engines.database_url()
        self.engine = engines.make_engine(self.url, pool_size=pool_size)
        self.max_weights_bytes = max_weights_bytes
        self.notices: list[str] = []  # what happened to the database that a page should say once
        self.dropped = 0  # writes lost because the outbox was full
        self._outbox: deque[Callable[[sa.Connection], Any]] = deque()
        self._outbox_size = outbox_size
        self._lock = threading.Lock()
        self._flushing = threading.Lock()  # two threads flushing at once would write an entry twice
        self._ready = False
        # SQLite has one writer at a time and its busy handler polls with sleeps of up to 100 ms; in this
        # process writers queue on a lock instead, which wakes the next one at once (benchmarks/store_load:
        # p95 84 -> 42 ms, max 446 -> 71 ms with 30 students). Other processes still meet the busy timeout.
        self._one_writer = threading.Lock() if self.backend == "sqlite" else contextlib.nullcontext()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def pending(self) -> int:
        return len(self._outbox)

    def close(self) -> None:
        self.engine.dispose()

    # --- plumbing --------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            path = engines.sqlite_path(self.url)
            if path is not None and engines.is_corrupt_sqlite(path):
                self.engine.dispose()
                moved = engines.move_aside(path)
                self.notices.append(
                    f"The run database could not be read; it was moved aside to {moved.name} "
                    "and a new, empty one was created."
                )
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                if self.backend == "postgresql":
                    # Several app processes may start at once; one of them creates or upgrades the schema.
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(1790017)"))
                found, now = upgrade(conn)
            if found is not None and found != now:
                self.notices.append(f"The run database was upgraded from schema version {found} to {now}.")
            self._ready = True

    def _read(self, query: Callable[[sa.Connection], Any]) -> Any:
        try:
            self._ensure_schema()
            with self.engine.connect() as conn:
                return query(conn)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(_describe(exc)) from exc

    def _write(self, change: Callable[[sa.Connection], Any], queue: bool = False) -> Any:
        try:
            self._ensure_schema()
            if queue:
                self.flush()  # keep the order: what waited goes first
            with self._one_writer, self.engine.connect().execution_options(write=True) as conn, conn.begin():
                return change(conn)
        except _UNAVAILABLE + (StoreUnavailable,) as exc:
            if not queue:
                raise StoreUnavailable(_describe(exc)) from exc
            with self._lock:
                if len(self._outbox) >= self._outbox_size:
                    self._outbox.popleft()
                    self.dropped += 1
                self._outbox.append(change)
            raise StoreUnavailable(
                f"{_describe(exc)} The change is kept in memory and written when the database is back.",
                queued=True,
            ) from exc

    def flush(self) -> int:
        """Write what waits in the outbox, oldest first; returns how many were written."""
        if not self._outbox:
            return 0
        written = 0
        with self._flushing:
            while self._outbox:
                change = self._outbox[0]
                try:
                    self._ensure_schema()
                    with (
                        self._one_writer,
                        self.engine.connect().execution_options(write=True) as conn,
                        conn.begin(),
                    ):
                        change(conn)
                except _UNAVAILABLE as exc:
                    raise StoreUnavailable(_describe(exc), queued=True) from exc
                with self._lock:
                    if self._outbox and self._outbox[0] is change:
                        self._outbox.popleft()
                written += 1
        return written

    # --- students --------------------------------------------------------------------------

    def set_name(self, token: str, name: str) -> str:
        """Register or rename the student holding ``token``; returns the cleaned name. Queued when down."""
        owner, name = identity.owner_of(token), identity.clean_name(name)
        now = time.time()

        def change(conn: sa.Connection) -> None:
            mine = students.c.owner == owner
            updated = conn.execute(students.update().where(mine).values(display_name=name))
            if updated.rowcount == 0:
                conn.execute(students.insert().values(owner=owner, display_name=name, created_at=now))

        self._write(change, queue=True)
        return name

    def name_of(self, token: str) -> str | None:
        owner = identity.owner_of(token)
        return self._read(
            lambda conn: conn.execute(
                sa.select(students.c.display_name).where(students.c.owner == owner)
            ).scalar()
        )

    # --- runs ------------------------------------------------------------------------------

    def save_run(self, token: str, display_name: str, run: NewRun, weights: Any = None) -> Saved:
        owner, name = identity.owner_of(token), identity.clean_name(display_name)
        if run.task not in TASKS:
            raise ValueError(f"unknown task {run.task!r}; choose from {sorted(TASKS)}")
        if not _PAGE_SHAPE.fullmatch(run.page):
            raise ValueError(f"page must be a page's URL path such as 'binary_2d', not {run.page!r}")
        blob, note = None, ""
        if weights is not None:
            blob = weights_blob(weights)
            if len(blob) > self.max_weights_bytes:
                note = (
                    f"The weights ({len(blob) / 1e6:.1f} MB) are over the store's limit "
                    f"({self.max_weights_bytes / 1e6:.1f} MB); the run is kept without them."
                )
                blob = None
        metrics = plain(run.metrics)
        error = metrics.get("test_error_pct")
        row = dict(
            owner=owner,
            display_name=name,
            page=run.page,
            task=run.task,
            model=run.model[:200],
            settings=plain(run.settings),
            dataset=run.dataset,
            metrics=metrics,
            test_error_pct=float(error) if isinstance(error, int | float) else None,
            device=run.device,
            created_at=time.time(),
            curves=plain(run.curves),
            timings=plain(run.timings),
            weights=blob,
        )

        def change(conn: sa.Connection) -> int:
            closed = _setting(conn, "submissions") == "closed"
            # After the teacher closes submissions a run is still the student's, just not on the board.
            return conn.execute(runs.insert().values(**row, hidden=closed).returning(runs.c.id)).scalar_one()

        run_id = self._write(change, queue=True)
        return Saved(run_id, blob is not None, note)

    def runs_of(self, token: str) -> list[Run]:
        """The student's own runs, newest first (hidden ones included: they are still theirs)."""
        owner = identity.owner_of(token)
        columns = [c for c in runs.c if c.name not in ("weights", "owner")]
        query = (
            sa.select(*columns, runs.c.weights.is_not(None).label("has_weights"))
            .where(runs.c.owner == owner)
            .order_by(runs.c.created_at.desc(), runs.c.id.desc())
        )
        return self._read(
            lambda conn: [
                Run(**{**row._mapping, "has_weights": bool(row.has_weights)}) for row in conn.execute(query)
            ]
        )

    def delete_run(self, token: str, run_id: int) -> None:
        owner = identity.owner_of(token)

        def change(conn: sa.Connection) -> None:
            deleted = conn.execute(runs.delete().where(runs.c.id == run_id, runs.c.owner == owner))
            if deleted.rowcount == 0:
                raise identity.NotAllowed("There is no such run among yours.")

        self._write(change)

    def set_pinned(self, token: str, run_ids: list[int], pinned: bool) -> None:
        """Pin (or unpin) some of the student's own runs; others' runs are left alone. Queued when down."""
        owner = identity.owner_of(token)
        if not run_ids:
            return
        self._write(
            lambda conn: conn.execute(
                runs.update().where(runs.c.id.in_(run_ids), runs.c.owner == owner).values(pinned=pinned)
            ),
            queue=True,
        )

    def weights(self, token: str, run_id: int) -> dict | None:
        """The run's state dict, loaded with ``weights_only=True`` (never runs code), or None."""
        owner = identity.owner_of(token)
        blob = self._read(
            lambda conn: conn.execute(
                sa.select(runs.c.weights).where(runs.c.id == run_id, runs.c.owner == owner)
            ).scalar()
        )
        if blob is None:
            return None
        import torch

        return torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)

    # --- the board -------------------------------------------------------------------------

    def best_per_task(self, dataset: str = "mnist") -> list[BoardEntry]:
        """For each task, the visible run with the lowest test error (the earliest wins a tie)."""
        rank = sa.func.row_number().over(
            partition_by=runs.c.task, order_by=(runs.c.test_error_pct, runs.c.created_at, runs.c.id)
        )
        ranked = sa.select(*_board_columns(), rank.label("rank")).where(*_on_board(dataset)).subquery()
        query = sa.select(*[ranked.c[c.name] for c in _board_columns()]).where(ranked.c.rank == 1)
        found = self._read(lambda conn: [BoardEntry(**row._mapping) for row in conn.execute(query)])
        order = list(TASKS)
        return sorted(found, key=lambda e: order.index(e.task) if e.task in order else len(order))

    def task_results(self, task: str, dataset: str = "mnist") -> list[BoardEntry]:
        """Every visible result of a task, best first."""
        query = (
            sa.select(*_board_columns())
            .where(*_on_board(dataset), runs.c.task == task)
            .order_by(runs.c.test_error_pct, runs.c.created_at)
        )
        return self._read(lambda conn: [BoardEntry(**row._mapping) for row in conn.execute(query)])

    def best_of_each_student(self, task: str, dataset: str = "mnist") -> list[BoardEntry]:
        """Each student's best visible result of a task, best first: the spread plot's points. One point
        a student: the stops a slider passed on its way are not results of the class."""
        rank = sa.func.row_number().over(
            partition_by=runs.c.owner, order_by=(runs.c.test_error_pct, runs.c.created_at, runs.c.id)
        )
        ranked = (
            sa.select(*_board_columns(), rank.label("rank"))
            .where(*_on_board(dataset), runs.c.task == task)
            .subquery()
        )
        query = (
            sa.select(*[ranked.c[c.name] for c in _board_columns()])
            .where(ranked.c.rank == 1)
            .order_by(ranked.c.test_error_pct, ranked.c.created_at)
        )
        return self._read(lambda conn: [BoardEntry(**row._mapping) for row in conn.execute(query)])

    def submissions_open(self) -> bool:
        return self._read(lambda conn: _setting(conn, "submissions")) != "closed"

    # --- the teacher's controls ----------------------------------------------------------------

    def clear_board(self, teacher_token: str | None) -> int:
        """Hide every run from the board (students keep them in their Results); returns how many."""
        identity.require_teacher(teacher_token)
        return self._write(
            lambda conn: (
                conn.execute(runs.update().where(runs.c.hidden == sa.false()).values(hidden=True)).rowcount
            )
        )

    def hide(self, teacher_token: str | None, run_id: int) -> None:
        identity.require_teacher(teacher_token)
        self._write(lambda conn: conn.execute(runs.update().where(runs.c.id == run_id).values(hidden=True)))

    def set_submissions(self, teacher_token: str | None, open_: bool) -> None:
        identity.require_teacher(teacher_token)
        value = "open" if open_ else "closed"

        def change(conn: sa.Connection) -> None:
            row = board.c.key == "submissions"
            if conn.execute(board.update().where(row).values(value=value)).rowcount == 0:
                conn.execute(board.insert().values(key="submissions", value=value))

        self._write(change)


def _board_columns() -> list[sa.Label[Any] | sa.Column[Any]]:
    return [
        runs.c.id.label("run_id"),
        runs.c.task,
        runs.c.display_name,
        runs.c.test_error_pct,
        runs.c.model,
        runs.c.page,
        runs.c.settings,
        runs.c.created_at,
    ]


def _on_board(dataset: str) -> tuple:
    return runs.c.hidden == sa.false(), runs.c.test_error_pct.is_not(None), runs.c.dataset == dataset


def _setting(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(board.c.value).where(board.c.key == key)).scalar()


def _describe(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    if "locked" in first or "busy" in first:
        return "The run database is busy (locked by another writer)."
    return f"The run database cannot be reached ({first[:160]})."
