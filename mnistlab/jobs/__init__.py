"""Long work as jobs: submit a kind with small params, poll its status and progress events, stop
it, read its result. One interface, two executors: ``LocalExecutor`` (worker processes of this
machine, the default) and ``RayExecutor`` (when ``MNISTLAB_RAY_ADDRESS`` is ``ray://host:10001``
or ``local``).

    from mnistlab import jobs
    config = {"model": "linear", "epochs": 1}
    job = jobs.executor().submit(jobs.KINDS["train"], {"config": config}, "student-1")
    job.status().state, job.events(), job.stop(), job.result()
"""

from __future__ import annotations

import os
import threading

from mnistlab.jobs.job import Event, Job, JobKind, State, Status, Stopped
from mnistlab.jobs.kinds import KINDS
from mnistlab.jobs.local import LocalExecutor
from mnistlab.jobs.scheduler import Executor

__all__ = [
    "KINDS",
    "Event",
    "Executor",
    "Job",
    "JobKind",
    "LocalExecutor",
    "State",
    "Status",
    "Stopped",
    "executor",
    "make_executor",
]

_lock = threading.Lock()
_executor: Executor | None = None


def make_executor(address: str | None = None, processes: bool = True) -> Executor:
    """A Ray executor for ``address`` (``ray://host:10001`` or ``local``); the local one without
    (its work in worker processes, or with ``processes=False`` in a thread of this process)."""
    if address:
        from mnistlab.jobs.cluster import RayExecutor

        return RayExecutor(address)
    return LocalExecutor(processes=processes)


def executor() -> Executor:
    """This process's executor, made once from ``MNISTLAB_RAY_ADDRESS`` (unset: local)."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = make_executor(os.environ.get("MNISTLAB_RAY_ADDRESS") or None)
            if isinstance(_executor, LocalExecutor) and _executor.pool is not None:
                _executor.pool.prestart(1)  # the first job does not wait for a worker's imports
        return _executor
