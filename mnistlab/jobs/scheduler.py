"""The queue both executors share: a limit per kind of job, first come first served across
sessions, and at most one running job of a kind per session, so one student cannot fill the
server while others wait."""

from __future__ import annotations

import heapq
import threading
import time
from typing import Any

from mnistlab.jobs.job import Job, JobKind, State, failure_reason


class Executor:
    """Subclasses say how many jobs of a kind may run (``limit``) and how one runs (``execute``)."""

    name = "base"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._queue: list[Job] = []
        self._running: list[Job] = []
        # Seconds per unit of work (a training's epoch) of finished jobs, by profile: the wait estimate.
        self._seconds_per_unit: dict[tuple, float] = {}

    # --- what subclasses provide ----------------------------------------------------------------
    def limit(self, kind: str, resource: str) -> int:
        raise NotImplementedError

    def execute(self, job: Job) -> tuple[State, Any, str | None]:
        """Run the job to its end in the calling thread; return (final state, result, reason)."""
        raise NotImplementedError

    def devices(self) -> dict[str, str | None]:
        """{device: None if usable, else why not}, for the training page's device choice."""
        raise NotImplementedError

    def shutdown(self) -> None:
        for job in self.jobs():
            job.stop()

    # --- the interface -----------------------------------------------------------------------------
    def submit(self, kind: JobKind, params: dict, session: str = "default") -> Job:
        job = Job(kind, params, session, self.name)
        job.queue_position = self.position
        job.on_stop = self._remove_if_queued
        with self._lock:
            self._queue.append(job)
            self._dispatch()
        return job

    def position(self, job: Job) -> int | None:
        """1 for the next job of its kind to start."""
        with self._lock:
            if job not in self._queue:
                return None
            key = self._key(job)
            return 1 + sum(1 for j in self._queue[: self._queue.index(job)] if self._key(j) == key)

    def cancel_session(self, session: str) -> int:
        """Stop every running and queued job of a session that is gone (a closed tab); how many."""
        with self._lock:
            mine = [j for j in self._running + self._queue if j.session == session]
        for job in mine:
            job.stop()
        return len(mine)

    def sessions(self) -> set[str]:
        with self._lock:
            return {j.session for j in self._running + self._queue}

    def expected_wait_s(self, job: Job) -> float | None:
        """About how long a queued job waits for a slot: the running jobs' remaining time (from their
        progress) and the jobs ahead of it in the queue (from finished jobs of the same profile),
        shared among the kind's slots. None while there is nothing to estimate from."""
        with self._lock:
            if job not in self._queue:
                return None
            key = self._key(job)
            running = [j for j in self._running if self._key(j) == key]
            ahead = [j for j in self._queue[: self._queue.index(job)] if self._key(j) == key]
            slots = self.limit(*key)
            lanes = [0.0] * max(0, slots - len(running))
            for j in running:
                remaining = self._remaining_s(j)
                if remaining is None:
                    return None
                lanes.append(remaining)
            heapq.heapify(lanes)
            for j in ahead:
                duration = self._expected_s(j)
                if duration is None:
                    return None
                heapq.heappush(lanes, heapq.heappop(lanes) + duration)
            return lanes[0] if lanes else None

    @staticmethod
    def _setting(job: Job, name: str, default=None):
        # A training's config arrives as a TrainConfig (the page) or its fields (the command line).
        config = job.params.get("config") or {}
        return config.get(name, default) if isinstance(config, dict) else getattr(config, name, default)

    @classmethod
    def _profile(cls, job: Job) -> tuple:
        return (
            job.kind.name,
            job.params.get("dataset"),
            job.params.get("n_train"),
            cls._setting(job, "model"),
            cls._setting(job, "batch_size"),
        )

    @classmethod
    def _units(cls, job: Job) -> float:
        return float(cls._setting(job, "epochs", 1))

    def _expected_s(self, job: Job) -> float | None:
        per_unit = self._seconds_per_unit.get(self._profile(job))
        return None if per_unit is None else per_unit * self._units(job)

    def _remaining_s(self, job: Job) -> float | None:
        status = job.status()
        if status.fraction and 0.02 <= status.fraction < 1:
            return status.elapsed_s * (1 - status.fraction) / status.fraction
        expected = self._expected_s(job)
        return None if expected is None else max(0.0, expected - status.elapsed_s)

    def _learn(self, job: Job, state: State) -> None:
        if state is State.DONE:
            elapsed = time.monotonic() - (job.started_at or job.submitted_at)
            self._seconds_per_unit[self._profile(job)] = elapsed / max(self._units(job), 1e-9)

    def jobs(self) -> list[Job]:
        with self._lock:
            return self._running + self._queue

    # --- scheduling ------------------------------------------------------------------------------------
    @staticmethod
    def _key(job: Job) -> tuple[str, str]:
        return job.kind.name, job.kind.resource(job.params)

    def _remove_if_queued(self, job: Job) -> None:
        with self._lock:
            if job in self._queue:
                self._queue.remove(job)
                job.finish(State.STOPPED, reason="stopped while queued")
                self._dispatch()

    def _dispatch(self) -> None:
        busy = {(j.kind.name, j.session) for j in self._running}
        for job in list(self._queue):
            key = self._key(job)
            if (job.kind.name, job.session) in busy:
                continue  # this student already runs one of these; later students may pass
            if sum(1 for j in self._running if self._key(j) == key) >= self.limit(*key):
                continue
            self._queue.remove(job)
            self._running.append(job)
            busy.add((job.kind.name, job.session))
            job.mark_running()
            threading.Thread(target=self._run, args=(job,), name=f"mnistlab-{job.id}", daemon=True).start()

    def _run(self, job: Job) -> None:
        try:
            state, result, reason = self.execute(job)
        except Exception as exc:  # noqa: BLE001 (whatever went wrong is the job's reason, not the server's)
            state, result, reason = State.FAILED, None, failure_reason(exc)
        job.finish(state, result, reason)
        with self._lock:
            self._learn(job, state)
            self._running.remove(job)
            self._dispatch()
