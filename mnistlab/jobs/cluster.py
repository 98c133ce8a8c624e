"""The Ray executor: the same jobs as Ray tasks, on a cluster (``ray://host:10001``) or on a
private Ray instance in this process (``local``).

The queue stays here (the same fairness as the local executor); each started job becomes one
task that asks Ray for a CPU, or a GPU when its params do. Progress and Stop go through one small
actor (the board): the task reports events to it and reads its stop flag at the boundaries where
the local executor would. A worker or node that dies is a failed job with that reason (no retry:
a half-done training restarted silently would draw a confusing curve).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import ray

import mnistlab
from mnistlab.jobs.job import PLACEMENT, Event, Job, JobKind, State, failure_reason
from mnistlab.jobs.scheduler import Executor

STOP_POLL_S = 0.1  # how stale a worker's view of the stop flag may be
PROGRESS_POLL_S = 0.1


@ray.remote(num_cpus=0)
class Board:
    """Events on their way from workers to the handle, and the stop flags on their way back."""

    def __init__(self) -> None:
        self.events: dict[str, list] = defaultdict(list)
        self.stops: set[str] = set()

    def report(self, job_id: str, event: Event) -> None:
        self.events[job_id].append(event)

    def take(self, job_id: str) -> list:
        return self.events.pop(job_id, [])

    def request_stop(self, job_id: str) -> None:
        self.stops.add(job_id)

    def stop_requested(self, job_id: str) -> bool:
        return job_id in self.stops

    def forget(self, job_id: str) -> None:
        self.stops.discard(job_id)
        self.events.pop(job_id, None)


@ray.remote(max_retries=0)
def run_kind(kind: JobKind, params: dict, job_id: str, board) -> Any:
    node = f"{socket.gethostname()} ({ray.util.get_node_ip_address()})"
    board.report.remote(job_id, Event(PLACEMENT, values={"node": node, "device": "cpu"}))
    checked_at, stop = 0.0, False

    def should_stop() -> bool:
        nonlocal checked_at, stop
        now = time.monotonic()
        if not stop and now - checked_at > STOP_POLL_S:
            stop, checked_at = ray.get(board.stop_requested.remote(job_id)), now
        return stop

    result = kind.work(params, lambda event: board.report.remote(job_id, event), should_stop)
    # Calls from one caller run in order: once this returns, every event above is on the board.
    ray.get(board.stop_requested.remote(job_id))
    return result, stop  # stopped only if the work saw the flag


class RayExecutor(Executor):
    name = "ray"

    def __init__(self, address: str, num_cpus: int | None = None) -> None:
        super().__init__()
        self.address = address
        self._owned = not ray.is_initialized()
        if self._owned:
            if address == "local":
                cpus = num_cpus or int(os.environ.get("MNISTLAB_RAY_CPUS", "2"))
                root = str(Path(mnistlab.__file__).resolve().parents[1])
                ray.init(
                    num_cpus=cpus,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                    object_store_memory=256 * 2**20,
                    runtime_env={"env_vars": {"PYTHONPATH": root}},
                )
            else:  # the cluster's workers get this checkout of the package; its dependencies must be there
                ray.init(
                    address=address,
                    logging_level=logging.WARNING,
                    runtime_env={"py_modules": [str(Path(mnistlab.__file__).resolve().parent)]},
                )
        resources = ray.cluster_resources()
        self.cpus, self.gpus = int(resources.get("CPU", 1)), int(resources.get("GPU", 0))
        self.board = Board.remote()  # type: ignore[attr-defined]  # ray.remote's stubs keep the plain class

    def limit(self, kind: str, resource: str) -> int:
        return max(1, self.gpus if resource == "gpu" else self.cpus)

    def devices(self) -> dict[str, str | None]:
        return {
            "cpu": None,
            "cuda": None if self.gpus else "no GPU in the Ray cluster",
            "mps": "not offered by the Ray executor",
        }

    def execute(self, job: Job) -> tuple[State, Any, str | None]:
        gpu = job.kind.resource(job.params) == "gpu"
        if gpu and not self.gpus:
            return State.FAILED, None, "no GPU in the Ray cluster"
        ref = run_kind.options(num_cpus=1, num_gpus=1 if gpu else 0).remote(
            job.kind, job.params, job.id, self.board
        )
        stop_sent = False
        while True:
            ready, _ = ray.wait([ref], timeout=PROGRESS_POLL_S)
            if job.stop_requested and not stop_sent:
                self.board.request_stop.remote(job.id)
                stop_sent = True
            self._collect(job)
            if ready:
                break
        try:
            result, stopped = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # the work raised: its own error is the reason
            cause = exc.cause if isinstance(exc.cause, BaseException) else exc
            return State.FAILED, None, failure_reason(cause)
        except ray.exceptions.RayError as exc:  # a worker or node lost, an object gone
            return State.FAILED, None, f"the Ray worker was lost ({type(exc).__name__}): {str(exc)[:300]}"
        finally:
            self._collect(job)
            self.board.forget.remote(job.id)
        return (State.STOPPED if stopped else State.DONE), result, None

    def _collect(self, job: Job) -> None:
        for event in ray.get(self.board.take.remote(job.id)):
            job.add_event(event)

    def shutdown(self) -> None:
        super().shutdown()
        for job in self.jobs():
            job.wait(10)
        if self._owned and ray.is_initialized():
            ray.shutdown()
