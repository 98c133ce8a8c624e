"""Worker processes for the local executor: a job's compute never runs in the app process.

A page's script runs in a thread of the app process; a job in another thread there would share its
interpreter lock with every student's page (measured: a class's slider p95 went from ~0.4 s to 2.2 s
with three trainings). So each job runs in a spawned worker process, one job at a time. Workers stay
alive between jobs (a few idle ones are kept), so what a worker loaded (the digits, a split, the
tensors: ``kinds``' per-process caches) is loaded once per worker, not once per job.

What crosses the boundary: the job's work function (pickled by reference: a module-level function)
and its small params; progress events, SNAPSHOT events and the result come back pickled through a
pipe, in order; Stop is a shared flag the work's ``should_stop`` reads. Everything is pickled with
plain pickle, so tensors travel as bytes, not as shared-memory handles that die with the worker.
A worker that dies (a crash, SIGKILL, out of memory) ends its job as FAILED with that reason.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
import time
import types
from typing import Any

from mnistlab.jobs.job import Job, State, failure_reason

POLL_S = 0.05  # how stale the worker's view of a Stop may be, and how soon a dead worker is noticed
# A work function that ignores its stop flag this long after a Stop has its worker ended.
STOP_GRACE_S = 60.0

_context = multiprocessing.get_context("spawn")  # never fork a process that runs threads and torch
_starting = threading.Lock()


def _serve(tasks, events, stop) -> None:
    """The worker's loop: one job at a time until the app closes the task pipe."""
    import mnistlab.jobs.kinds  # noqa: F401 (the heavy imports once, before the first job asks)

    # A Ctrl-C in the terminal reaches the whole process group: the app decides when workers end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            work, params, threads, settings = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return
        _follow(settings)
        if threads:
            import torch

            torch.set_num_threads(threads)
        # A Stop counts only if the work saw it; one pressed after the last step changes nothing.
        seen: list[bool] = []
        should_stop = _stop_check(stop, seen)

        def report(event) -> None:
            events.send_bytes(pickle.dumps(("event", event)))

        try:
            result = work(params, report, should_stop)
            outcome: tuple = ("done", State.STOPPED if seen else State.DONE, result, None)
        except Exception as exc:  # noqa: BLE001 (whatever went wrong is the job's reason)
            outcome = ("done", State.FAILED, None, failure_reason(exc))
        try:
            payload = pickle.dumps(outcome)
        except Exception as exc:  # noqa: BLE001
            payload = pickle.dumps(
                ("done", State.FAILED, None, f"its result could not be sent back: {failure_reason(exc)}")
            )
        events.send_bytes(payload)


def _settings() -> dict[str, str]:
    """The app's MNISTLAB_* settings as they are now (where the data and its cache live)."""
    return {k: v for k, v in os.environ.items() if k.startswith("MNISTLAB_")}


def _follow(settings: dict[str, str]) -> None:
    """Take the app's settings for this job: a worker started before they changed (a test pointing the
    cache elsewhere, an app told where the data is) must not read the old place's cached data."""
    if settings == _settings():
        return
    for key in set(_settings()) - set(settings):
        del os.environ[key]
    os.environ.update(settings)
    from mnistlab.data import loaders

    loaders.forget_loaded()


def _stop_check(stop, seen: list[bool]):
    def should_stop() -> bool:
        if stop.is_set():
            seen.append(True)
            return True
        return False

    return should_stop


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"its worker process was killed ({name})"
    return f"its worker process ended unexpectedly (exit code {exitcode})"


class Worker:
    """One spawned process and its two pipes; runs one job at a time."""

    def __init__(self) -> None:
        task_out, self._tasks = _context.Pipe(duplex=False)
        self._events, event_in = _context.Pipe(duplex=False)
        self._stop = _context.Event()
        self.process = _context.Process(
            target=_serve, args=(task_out, event_in, self._stop), name="mnistlab-worker", daemon=True
        )
        with _starting:
            # Spawn re-imports the parent's __main__ in the child; under `streamlit run` that is the app's
            # script, so each worker would run app.py (a page without a session) before its first job.
            # A bare module in its place for the instant of the start: the child imports only mnistlab.
            main = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                self.process.start()
            finally:
                sys.modules["__main__"] = main
        # Only the child holds these ends now: its death reads as end-of-file here.
        task_out.close()
        event_in.close()
        self.jobs_run = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def run(self, job: Job, threads: int | None = None) -> tuple[State, Any, str | None]:
        """Send the job, pass its events to the handle until it ends; (state, result, reason)."""
        self._stop.clear()
        self.jobs_run += 1
        # A lambda fails here, in the app.
        task = pickle.dumps((job.kind.work, job.params, threads, _settings()))
        try:
            self._tasks.send_bytes(task)
        except OSError:
            return State.FAILED, None, _death(self._exitcode())
        job.placement["pid"] = self.pid
        stop_sent_at: float | None = None
        while True:
            if job.stop_requested and stop_sent_at is None:
                self._stop.set()
                stop_sent_at = time.monotonic()
            try:
                ready = self._events.poll(POLL_S)
                message = pickle.loads(self._events.recv_bytes()) if ready else None
            except (EOFError, OSError):
                return State.FAILED, None, _death(self._exitcode())
            if message is None:
                if not self.alive():
                    return State.FAILED, None, _death(self._exitcode())
                if stop_sent_at is not None and time.monotonic() - stop_sent_at > STOP_GRACE_S:
                    self.close()
                    reason = f"it did not stop within {STOP_GRACE_S:.0f} s; its worker was ended"
                    return State.STOPPED, None, reason
                continue
            if message[0] == "event":
                job.add_event(message[1])
                continue
            _, state, result, reason = message
            return state, result, reason

    def _exitcode(self) -> int | None:
        self.process.join(1.0)
        return self.process.exitcode

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._tasks.close()  # the worker's loop ends at end-of-file
        self.process.join(2.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2.0)
        self._events.close()


class WorkerPool:
    """Workers started on demand; up to ``keep_idle`` of them wait for the next job with their data loaded."""

    def __init__(self, keep_idle: int) -> None:
        self.keep_idle = keep_idle
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()

    def prestart(self, n: int = 1) -> None:
        """Start workers now, so the first job does not wait for Python, torch and scikit-learn to import."""
        with self._lock:
            while len(self._idle) < min(n, self.keep_idle):
                self._idle.append(Worker())

    def acquire(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    break
                worker.close()
            else:
                worker = Worker()
            self._busy.add(worker)
            return worker

    def release(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if worker.alive() and len(self._idle) < self.keep_idle:
                self._idle.append(worker)
                return
        worker.close()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in [*self._idle, *self._busy] if w.pid is not None]

    def shutdown(self) -> None:
        with self._lock:
            workers, self._idle = [*self._idle, *self._busy], []
            self._busy = set()
        for worker in workers:
            worker.close()
