"""A class at once, simulated at the protocol level: N students on one server (or behind the proxy).

    .venv/bin/python -m benchmarks.class_load --students 30 --seconds 30 --json
    .venv/bin/python -m benchmarks.class_load --students 30 --flag=--runner.postScriptGC=true --json
    .venv/bin/python -m benchmarks.class_load --url http://127.0.0.1:8500 --pid 123 --pid 124 --json
    .venv/bin/python -m benchmarks.class_load --students 30 --joined --json   # every student in a class

Each student is one browser tab speaking Streamlit's websocket protocol (benchmarks/st_protocol.py): it
opens the 2-D playground, then about every ``--interval`` seconds moves the C slider (a fragment rerun,
as the browser sends it). With ``--scenario class`` a student also switches pages now and then (a full
run of the data, draw or training page, then back) and ``--trainers`` students start one short training
(a linear net, one epoch). The time of an action is from the BackMsg sent to the server's
``script_finished``; a student waits for its answer before its next move, as a person does.

Without ``--url`` the benchmark starts its own `streamlit run` on a free loopback port (``--flag``
passes config options to it) and stops it at the end. The result is one JSON object: per action kind
n / p50 / p95 / max (ms) / per second / errors, the app processes' RSS before / peak / after (MB), and
behind the proxy which replica each student's requests reached (``X-Mnistlab-Replica``).

With ``--joined`` the started app gets a fresh store and a teacher token; the benchmark opens a class,
publishes the playground as the teacher's page and joins every student, whose tab then also reruns the
class fragment every FOLLOW_S seconds as the browser's timer does ("follow-poll"): the cost a class
session adds to every page of every student.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import websockets

from benchmarks import st_protocol
from benchmarks.servers import AppServer, RssSampler
from benchmarks.st_protocol import ProtocolError, RunResult, Tab

PLAYGROUND = "binary_2d"
OTHER_PAGES = ["data", "draw", "training", ""]
BAD_STATUSES = {"FINISHED_WITH_COMPILE_ERROR"}
FOLLOW_S = 3  # mnistlab.ui.classroom.FOLLOW_S: the class fragment's run_every
CLASS_FRAGMENT = "class-snapshot"  # a button drawn by the class fragment: its fragment id is the timer's
TEACHER_TOKEN = "class-load-teacher-token"


@dataclass
class Tally:
    """What every student did, by kind of action."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    reconnects: int = 0
    # Per student, per connection: the replica named by each response (page, health, config, websocket).
    connections: dict[int, list[list[str]]] = field(default_factory=lambda: defaultdict(list))

    def error(self, kind: str, message: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {message}")

    def record(self, kind: str, result: RunResult) -> None:
        if result.exceptions or result.status in BAD_STATUSES:
            self.error(kind, "; ".join(result.exceptions) or result.status)
        else:
            self.seconds[kind].append(result.seconds)


class Student:
    def __init__(
        self,
        number: int,
        base_url: str,
        tally: Tally,
        scenario: str,
        interval_s: float,
        trainer: bool,
        query: str = "",
    ):
        self.number, self.base_url, self.tally, self.query = number, base_url, tally, query
        self.next_poll = 0.0
        self.scenario, self.interval_s, self.trainer = scenario, interval_s, trainer
        self.rng = random.Random(number)
        self.jar = CookieJar()  # a browser keeps its cookies (the proxy's sticky one) across reconnects
        self.session_id = ""
        self.tab: Tab | None = None
        self.position = 0

    async def join(self) -> None:
        """Load the playground (a new tab, or a reload after the connection was lost)."""
        self.tab = Tab(self.base_url, jar=self.jar, session_id=self.session_id)
        try:
            await self.tab.connect(PLAYGROUND)
            self.tally.record("open", await self.tab.open_page(PLAYGROUND, self.query))
        finally:
            self.tally.connections[self.number].append(self.tab.replicas)
        self.session_id = self.tab.session_id

    async def act(self) -> None:
        roll = self.rng.random()
        if self.trainer and self.scenario == "class":
            self.trainer = False
            await self.train()
        elif self.scenario == "class" and roll < 0.15:
            page = self.rng.choice(OTHER_PAGES)
            self.tally.record(f"page:{page or 'home'}", await self.tab.open_page(page))
            self.tally.record("page:binary_2d", await self.tab.open_page(PLAYGROUND))
        else:
            options = len(self.tab.widgets["model-C"].options)
            self.position = (self.position + self.rng.randint(1, 4)) % options
            self.tally.record("slider", await self.tab.select("model-C", self.position))

    async def train(self) -> None:
        """A short training, as a student sets it: the linear net (its preset loads), one epoch, Train."""
        self.tally.record("page:training", await self.tab.open_page("training"))
        self.tally.record("widget", await self.tab.choose("train-model", 0))
        self.tally.record("widget", await self.tab.slide("train-epochs", 1))
        self.tally.record("training", await self.tab.click("train-run"))
        self.tally.record("page:binary_2d", await self.tab.open_page(PLAYGROUND))

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            try:
                if self.tab is None:
                    await self.join()
                await asyncio.sleep(self.interval_s * self.rng.uniform(0.5, 1.5))
                if self.query and time.monotonic() >= self.next_poll and CLASS_FRAGMENT in self.tab.widgets:
                    self.next_poll = time.monotonic() + FOLLOW_S
                    fragment = self.tab.widgets[CLASS_FRAGMENT].fragment_id
                    self.tally.record("follow-poll", await self.tab.rerun_fragment(fragment))
                if time.monotonic() < until:
                    await self.act()
            except (websockets.ConnectionClosed, OSError, ProtocolError, KeyError) as exc:
                # The server went away (a replica died) or answered nonsense: count it, reload the page.
                self.tally.error("connection", f"{type(exc).__name__}: {exc}")
                await self.leave()
                self.tally.reconnects += 1
                await asyncio.sleep(0.5)
            except TimeoutError:
                self.tally.error("timeout", "no script_finished")
                await self.leave()

    async def leave(self) -> None:
        if self.tab is not None:
            tab, self.tab = self.tab, None
            with contextlib.suppress(Exception):  # a dead connection may fail to close; it is gone either way
                await tab.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(tally: Tally, seconds: float) -> dict:
    kinds = sorted(set(tally.seconds) | set(tally.errors))
    actions = {}
    for kind in kinds:
        done = tally.seconds.get(kind, [])
        row = {"n": len(done), "errors": tally.errors.get(kind, 0), "per_s": round(len(done) / seconds, 2)}
        if done:
            row.update(
                p50_ms=round(1000 * statistics.median(done)),
                p95_ms=round(1000 * percentile(done, 0.95)),
                max_ms=round(1000 * max(done)),
            )
        actions[kind] = row
    return actions


async def simulate(
    tally: Tally,
    url: str,
    students: int,
    seconds: float,
    scenario: str,
    interval_s: float,
    trainers: int,
    queries: list[str] | None = None,
) -> float:
    queries = queries or [""] * students
    class_ = [Student(i, url, tally, scenario, interval_s, i < trainers, queries[i]) for i in range(students)]
    # Students arrive over the first seconds, as a class does, rather than in one burst.
    arrivals = [asyncio.create_task(_arrive(s, 0.1 * i)) for i, s in enumerate(class_)]
    await asyncio.gather(*arrivals)
    start = time.monotonic()
    await asyncio.gather(*(s.run(start + seconds) for s in class_))
    elapsed = time.monotonic() - start
    await asyncio.gather(*(s.leave() for s in class_))
    return elapsed


async def _arrive(student: Student, delay_s: float) -> None:
    await asyncio.sleep(delay_s)
    try:
        await student.join()
    except (websockets.ConnectionClosed, OSError, ProtocolError, TimeoutError) as exc:
        student.tally.error("connection", f"{type(exc).__name__}: {exc}")
        await student.leave()


def measure(
    url: str,
    pids: list[int],
    students: int,
    seconds: float,
    scenario: str = "slider",
    interval_s: float = 2.0,
    trainers: int = 0,
    settle_s: float = 3.0,
    tally: Tally | None = None,
    queries: list[str] | None = None,
) -> dict:
    """Run the class against ``url`` and return the benchmark's JSON object (as a dict).

    ``tally``: pass one to watch the run from another thread (a test that kills a replica mid-run)."""
    tally = tally if tally is not None else Tally()
    # A fresh server's first run of each page loads the data and the shared models (caches every student
    # shares): not what a student's action costs, and not memory that grows with the class.
    warm = Tab(url)
    pages = [PLAYGROUND] + (OTHER_PAGES if scenario == "class" else [])

    async def warm_up() -> None:
        await warm.connect(PLAYGROUND)
        for page in pages:
            await warm.open_page(page)
        await warm.close()

    st_protocol.run(warm_up())
    sampler = RssSampler(pids)
    before = sampler.now()
    sampler.start()
    elapsed = st_protocol.run(
        simulate(tally, url, students, seconds, scenario, interval_s, trainers, queries)
    )
    time.sleep(settle_s)
    sampler.stop()
    replicas = {n: sorted({name for c in conns for name in c}) for n, conns in tally.connections.items()}
    replicas = {n: names for n, names in replicas.items() if names}
    return {
        "students": students,
        "seconds": round(elapsed, 1),
        "scenario": scenario,
        "interval_s": interval_s,
        "actions": summary(tally, elapsed),
        "errors": sum(tally.errors.values()),
        "error_samples": tally.error_samples,
        "reconnects": tally.reconnects,
        "rss_mb": {
            "before": round(before),
            "peak": round(sampler.peak),
            "after": round(sampler.now()),
            "every_10_s": _every(sampler.samples, 10.0),
        },
        "replicas": {
            "students_per_replica": _count(replicas),
            "students_on_several": sum(len(r) > 1 for r in replicas.values()),
            "connections_on_several": sum(
                len(set(c)) > 1 for conns in tally.connections.values() for c in conns
            ),
        }
        if replicas
        else None,
    }


def _every(samples: list[tuple[float, float]], period_s: float) -> list[int]:
    """The RSS trace thinned to one sample per ``period_s`` (a soak shows whether memory keeps growing)."""
    trace, next_t = [], 0.0
    for t, value in samples:
        if t >= next_t:
            trace.append(round(value))
            next_t += period_s
    return trace


def _count(replicas: dict[int, list[str]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for seen in replicas.values():
        for name in seen:
            counts[name] += 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--interval", type=float, default=2.0, help="mean seconds between a student's moves")
    parser.add_argument("--scenario", choices=["slider", "class"], default="slider")
    parser.add_argument("--trainers", type=int, default=0, help="students who start one short training")
    parser.add_argument("--url", help="an app (or the proxy) already running; default: start one")
    parser.add_argument("--pid", type=int, action="append", default=[], help="app process ids, for RSS")
    parser.add_argument("--flag", action="append", default=[], help="a config option for the started app")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--joined", action="store_true", help="every student joins a class (started app)")
    args = parser.parse_args(argv)
    if args.students < 1 or args.seconds <= 0 or args.interval <= 0:
        parser.error("--students, --seconds and --interval must be positive")
    if args.joined and args.url:
        parser.error("--joined needs the app the benchmark starts (it gives it a fresh store)")
    with tempfile.TemporaryDirectory() as scratch:
        env = joined_env(scratch) if args.joined else None
        server = None if args.url else AppServer(flags=args.flag, env=env)
        try:
            url = args.url or server.url
            pids = args.pid or ([server.pid] if server else [])
            queries = class_queries(env, args.students) if env else None
            result = measure(
                url,
                pids,
                args.students,
                args.seconds,
                args.scenario,
                args.interval,
                args.trainers,
                queries=queries,
            )
        finally:
            if server is not None:
                server.stop()
    result["flags"] = args.flag
    result["joined"] = args.joined
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


def joined_env(scratch: str) -> dict[str, str]:
    return {
        "MNISTLAB_DATABASE_URL": f"sqlite:///{scratch}/runs.sqlite",
        "MNISTLAB_TEACHER_TOKEN": TEACHER_TOKEN,
    }


def class_queries(env: dict[str, str], students: int) -> list[str]:
    """Open a class in the app's store, put the playground on the teacher's screen, join every student."""
    from mnistlab.store import RunStore, new_token
    from mnistlab.store.classroom import Classroom

    os.environ.update(env)  # the teacher check reads the token from the environment
    store = RunStore(env["MNISTLAB_DATABASE_URL"])
    room = Classroom(store)
    code = room.open_class(TEACHER_TOKEN).code
    room.publish(TEACHER_TOKEN, code, PLAYGROUND, {})
    queries = []
    for n in range(students):
        token = new_token()
        room.join(code, token, f"Student {n}")
        queries.append(urllib.parse.urlencode({"class": code, "me": token}))
    store.close()
    return queries


if __name__ == "__main__":
    main()
