"""The queue both executors share: a limit per kind of job, first come first served across
sessions, and at most one running job of a kind per session, so one student cannot fill the
server while others wait."""

from __future__ import annotations

import threading
from typing import Any

from mnistlab.jobs.job import Job, JobKind, State, failure_reason


class Executor:
    """Subclasses say how many jobs of a kind may run (``limit``) and how one runs (``execute``)."""

    name = "base"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._queue: list[Job] = []
        self._running: list[Job] = []

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
            self._running.remove(job)
            self._dispatch()
