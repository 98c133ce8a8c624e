"""Write latency of the run store under a class of simulated students, SQLite and PostgreSQL side by side.

    .venv/bin/python -m benchmarks.store_load [--students 30] [--runs 10] [--repeats 3] [--weights mlp]

Each student is a thread that registers a name and then saves ``--runs`` runs (a training's settings,
metrics and ten-epoch curves; with ``--weights`` also that network's state dict), all starting at the
same moment: the worst case of a class pressing "train" together. PostgreSQL is a private cluster
started for the run (fsync on, as a real server). Prints one JSON object: per backend the medians over
the repeats of p50 / p95 / max latency of one ``save_run`` (ms), and the rows checked afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from mnistlab.store import NewRun, RunStore, new_token
from mnistlab.store.pgcluster import PrivateCluster


def a_run(student: int, k: int) -> NewRun:
    rng = np.random.default_rng(student * 1000 + k)
    curve = np.sort(rng.uniform(1, 10, 10))[::-1]
    return NewRun(
        page="training",
        task="ten_classes",
        model="MLP 784-200-100-10",
        settings={"model": "mlp", "optimizer": "adam", "lr": 1e-4, "batch_size": 256, "epochs": 10},
        metrics={"test_error_pct": float(curve[-1]), "test_loss": 0.07},
        curves={"val_error_pct": curve, "train_loss": curve / 10},
        timings={"fit_s": 12.3},
    )


def one_class(url: str, students: int, runs: int, weights) -> dict:
    store = RunStore(url)
    store.best_per_task()  # schema created before the clock starts
    tokens = [new_token() for _ in range(students)]
    latencies: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(students)
    guard = threading.Lock()

    def student(i: int) -> None:
        store.set_name(tokens[i], f"student {i}")
        start.wait()
        mine = []
        for k in range(runs):
            t0 = time.perf_counter()
            try:
                store.save_run(tokens[i], f"student {i}", a_run(i, k), weights=weights)
            except Exception as exc:  # counted, so a failing backend shows in the numbers
                failures.append(type(exc).__name__)
            mine.append(time.perf_counter() - t0)
        with guard:
            latencies.extend(mine)

    wall = time.perf_counter()
    threads = [threading.Thread(target=student, args=(i,)) for i in range(students)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    kept = sum(len(store.runs_of(t)) for t in tokens)
    store.close()
    ms = np.array(latencies) * 1000
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "writes": len(latencies),
        "kept": kept,
        "failures": len(failures),
        "wall_s": wall,
    }


def median_of(trials: list[dict]) -> dict:
    keys = ("p50_ms", "p95_ms", "max_ms", "wall_s")
    out = {key: round(statistics.median(t[key] for t in trials), 2) for key in keys}
    out.update(
        writes=trials[0]["writes"],
        kept=min(t["kept"] for t in trials),
        failures=sum(t["failures"] for t in trials),
        p95_ms_each=[round(t["p95_ms"], 2) for t in trials],
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10, help="runs saved by each student")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weights", choices=("none", "linear", "mlp", "cnn"), default="none")
    args = parser.parse_args()
    weights = None
    if args.weights != "none":
        from mnistlab.models import nets

        weights = nets.build(args.weights).state_dict()
    results = {"sqlite": [], "postgresql": []}
    with PrivateCluster(durable=True) as cluster, tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            # Fresh databases each repeat, so no repeat measures a bigger table than the others.
            sqlite_url = f"sqlite:///{Path(folder) / f'runs-{repeat}.sqlite'}"
            results["sqlite"].append(one_class(sqlite_url, args.students, args.runs, weights))
            pg_url = _new_database(cluster, f"bench_{repeat}")
            results["postgresql"].append(one_class(pg_url, args.students, args.runs, weights))
    report = {
        "students": args.students,
        "runs_each": args.runs,
        "repeats": args.repeats,
        "weights": args.weights,
        **{backend: median_of(trials) for backend, trials in results.items()},
    }
    ratio = report["postgresql"]["p95_ms"] / report["sqlite"]["p95_ms"]
    report["p95_postgresql_over_sqlite"] = round(ratio, 2)
    print(json.dumps(report))


def _new_database(cluster: PrivateCluster, name: str) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return cluster.url.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    main()
