"""The default executor: each job runs in a worker process of this machine (``workers``), so the app
process only schedules, and a class's clicks no longer share an interpreter lock with trainings.

Trainings run two at once by default, each with half the cores' torch threads: a short training does
not wait minutes behind a long one (a linear epoch beside a fast CNN's), and two single-threaded
trainings on a loaded 2-core machine are each faster than torch's threads spinning against each other
(a linear epoch here: 1.0 s with one thread, 16.7 s with two).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from mnistlab.jobs.job import Job, State, failure_reason
from mnistlab.jobs.scheduler import Executor
from mnistlab.jobs.workers import WorkerPool

TRAINING_LANES = 2  # trainings at once, unless MNISTLAB_MAX_TRAININGS says otherwise


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalExecutor(Executor):
    """``processes=False`` runs the work in a thread of this process instead: for the command line,
    which runs one job and has no page to keep live (and tests that swap the data source in-process)."""

    name = "local"

    def __init__(self, limits: dict[str, int] | None = None, processes: bool = True) -> None:
        super().__init__()
        self._default = max(1, cores() // 2)
        lanes = int(os.environ.get("MNISTLAB_MAX_TRAININGS", TRAINING_LANES))
        self._limits = {"train": lanes} | (limits or {})
        # Each training gets its share of the cores; MNISTLAB_TORCH_THREADS sets it instead.
        self.torch_threads = int(os.environ.get("MNISTLAB_TORCH_THREADS", "0")) or max(
            1, cores() // max(1, self._limits["train"])
        )
        self.node = socket.gethostname()
        self.pool = WorkerPool(keep_idle=max(2, cores())) if processes else None

    def limit(self, kind: str, resource: str) -> int:
        return max(1, self._limits.get(kind, self._default))

    def devices(self) -> dict[str, str | None]:
        from mnistlab.models import devices

        return devices.status()

    def execute(self, job: Job) -> tuple[State, Any, str | None]:
        job.placement.update(node=self.node, device="cpu")
        threads = self.torch_threads if job.kind.name == "train" else None
        if self.pool is None:
            return self._in_this_process(job)
        worker = self.pool.acquire()
        try:
            return worker.run(job, threads)
        finally:
            self.pool.release(worker)

    def _in_this_process(self, job: Job) -> tuple[State, Any, str | None]:
        seen = []  # a Stop counts only if the work saw it; one pressed after the last step changes nothing

        def should_stop() -> bool:
            if job.stop_requested:
                seen.append(True)
            return job.stop_requested

        try:
            result = job.kind.work(job.params, job.add_event, should_stop)
        except Exception as exc:  # noqa: BLE001
            return State.FAILED, None, failure_reason(exc)
        return (State.STOPPED if seen else State.DONE), result, None

    def shutdown(self) -> None:
        super().shutdown()
        if self.pool is not None:
            for job in self.jobs():
                job.wait(10)
            self.pool.shutdown()
