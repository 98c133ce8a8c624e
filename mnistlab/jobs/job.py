"""What a job is: a registered kind of work, its small params, and a handle the page polls.

A kind's ``work(params, report, should_stop)`` runs where the executor puts it (a worker process
here, a Ray worker elsewhere), so params and the result must pickle and stay small: workers load the
digits themselves from the checked cache instead of receiving 70000x784 arrays per job.
"""

from __future__ import annotations

import enum
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Report = Callable[["Event"], None]
ShouldStop = Callable[[], bool]
Work = Callable[[dict, Report, ShouldStop], Any]


@dataclass(frozen=True)
class JobKind:
    name: str
    work: Work
    # "cpu" or "gpu", from the params: a training asks for a GPU only when its device is cuda.
    resource: Callable[[dict], str] = lambda params: "cpu"
    description: str = ""


@dataclass(frozen=True)
class Event:
    """One progress step, as the page draws it: a batch, an epoch, a candidate, a timing point."""

    step: str
    fraction: float | None = None
    message: str = ""
    values: dict = field(default_factory=dict)


# The event a work function sends to say where it runs ({"device": "cuda:0"}); not a progress step.
PLACEMENT = "placement"
# The latest state worth showing while it runs (a network's weights after an epoch): only the newest
# is kept, as ``Job.snapshot``, so a long run does not hold every epoch's copy.
SNAPSHOT = "snapshot"


class State(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (State.DONE, State.STOPPED, State.FAILED)


@dataclass(frozen=True)
class Status:
    state: State
    position: int | None  # 1 = next to start; None unless queued
    reason: str | None  # why it failed (or was stopped before it started)
    fraction: float | None  # the latest event's progress
    message: str
    executor: str
    node: str | None
    device: str | None
    elapsed_s: float


class Stopped(Exception):
    """Raised from a core callback to leave a loop that has no stop parameter of its own."""


class Job:
    """The handle: status, events, stop, result. Safe to read from any thread."""

    def __init__(self, kind: JobKind, params: dict, session: str, executor: str):
        self.id = f"job-{uuid.uuid4().hex[:12]}"  # unique across the app processes of one cluster
        self.kind = kind
        self.params = params
        self.session = session
        self.executor = executor
        self.submitted_at = time.monotonic()
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._stop = threading.Event()
        self._state = State.QUEUED
        self._events: list[Event] = []
        self._result: Any = None
        self._reason: str | None = None
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self.placement: dict = {"executor": executor, "node": None, "device": None}
        self.snapshot: dict | None = None
        # Set by the executor: where the job stands in its queue, and what a Stop does while it waits.
        self.queue_position: Callable[[Job], int | None] = lambda job: None
        self.on_stop: Callable[[Job], None] = lambda job: None

    # --- for the page ---------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._state

    def status(self) -> Status:
        with self._lock:
            last = self._events[-1] if self._events else None
            start = self._started_at or self.submitted_at
            end = self._ended_at or time.monotonic()
            state = self._state
        return Status(
            state,
            self.queue_position(self) if state is State.QUEUED else None,
            self._reason,
            last.fraction if last else None,
            last.message if last else "",
            self.executor,
            self.placement.get("node"),
            self.placement.get("device"),
            end - start,
        )

    @property
    def started_at(self) -> float | None:
        return self._started_at

    def events(self, since: int = 0) -> list[Event]:
        """Events from index ``since`` on: a fragment keeps its count and asks only for the new ones."""
        with self._lock:
            return self._events[since:]

    def stop(self) -> None:
        """Stop at the next batch / candidate / timing point; a queued job is removed by its executor."""
        self._stop.set()
        self.on_stop(self)

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def result(self) -> Any:
        """What the work returned (also after a stop: what was done so far); None before that."""
        return self._result

    # --- for executors -----------------------------------------------------------------------
    def add_event(self, event: Event) -> None:
        if event.step == PLACEMENT:
            self.placement.update(event.values)
            return
        if event.step == SNAPSHOT:
            self.snapshot = event.values
            return
        with self._lock:
            self._events.append(event)

    def mark_running(self) -> None:
        with self._lock:
            self._state, self._started_at = State.RUNNING, time.monotonic()

    def finish(self, state: State, result: Any = None, reason: str | None = None) -> None:
        with self._lock:
            self._state, self._result, self._reason = state, result, reason
            self._ended_at = time.monotonic()
        self._finished.set()

    def __repr__(self) -> str:
        return f"Job({self.id}, {self.kind.name}, {self._state.value}, session={self.session})"


def failure_reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
