"""The default executor: jobs run in threads of this process (torch and numpy release the
interpreter lock while they compute), with a limit per kind sized to the cores."""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from mnistlab.jobs.job import Job, State, failure_reason
from mnistlab.jobs.scheduler import Executor

# A job's thread gives the interpreter lock away at every torch op and must then wait for a busy page
# thread to hand it back, up to the switch interval each time (Python's default: 5 ms). Beside a thread
# drawing charts, a one-epoch linear training (10,000 images) did not finish in 60 s at 5 ms; 9.6 s at
# 1 ms, 4.4 s at 0.25 ms, against 1.7-2.8 s alone (`python -m benchmarks.first_epoch`): why the first
# epoch on a fresh server was 3-4x slower than the next (the page was busy with its first draw). But a
# class's clicks pay for a shorter interval: 30 students with 3 trainings, page p95 1.38 s at 0.25 ms
# against 0.73 s at 5 ms (`benchmarks.class_load --scenario class --trainers 3`). So Python's default
# stays; MNISTLAB_SWITCH_INTERVAL_MS=0.25 suits a teacher demonstrating trainings.
SWITCH_INTERVAL_ENV = "MNISTLAB_SWITCH_INTERVAL_MS"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, limits: dict[str, int] | None = None) -> None:
        super().__init__()
        if os.environ.get(SWITCH_INTERVAL_ENV):
            sys.setswitchinterval(float(os.environ[SWITCH_INTERVAL_ENV]) / 1000)  # process-wide
        # One training already uses every core through torch's threads; two at once are both slower.
        # On a loaded server torch's threads spin against each other (a linear epoch here: 1.0 s with
        # one thread, 16.7 s with two); MNISTLAB_TORCH_THREADS=1 then runs one job per core instead.
        threads = int(os.environ.get("MNISTLAB_TORCH_THREADS", "0"))
        if threads > 0:
            import torch

            torch.set_num_threads(threads)  # process-wide: the page's own torch work too
        default = max(1, cores() // (threads or 2))
        self._limits = {"train": int(os.environ.get("MNISTLAB_MAX_TRAININGS", default))} | (limits or {})
        self._default = default
        self.node = socket.gethostname()

    def limit(self, kind: str, resource: str) -> int:
        return max(1, self._limits.get(kind, self._default))

    def devices(self) -> dict[str, str | None]:
        from mnistlab.models import devices

        return devices.status()

    def execute(self, job: Job) -> tuple[State, Any, str | None]:
        job.placement.update(node=self.node, device="cpu")
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
