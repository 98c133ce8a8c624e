"""What one C-slider move costs the server in the playground's own code, with every input already cached.

    .venv/bin/python -m benchmarks.move_cost [--repeats 20]

Times the parts of the fragment's work that the same inputs always reproduce: the probability-map
figure (PNG raster + plotly figure) and its JSON serialisation (what `st.plotly_chart` does on every
run), against fetching a finished figure's JSON from a dict (what sharing it across students costs).
Prints one JSON object of medians in ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import plotly.io as pio

from mnistlab.data import datasets, problems
from mnistlab.models import classic
from mnistlab.views import figures


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    ds = datasets.load_mnist()
    problem = problems.pair_2d(problems.full_split(ds), (7, 9))
    choice = classic.ModelChoice(family="logistic", C=1.0)
    model, _ = classic.fit(choice.build(), problem)
    pmap = classic.probability_map(model, classic.plane_bounds(problem.X_train), figures.MAP_RESOLUTION)
    every = int(np.ceil(len(problem.y_train) / 2000))
    X, y = problem.X_train[::every], problem.y_train[::every]

    def figure():
        return figures.probability_map_figure(pmap.xs, pmap.ys, pmap.p, X, y, ("7", "9"))

    fig = figure()
    pio.json.config.default_engine = "orjson"
    spec = pio.to_json(fig, validate=False)
    shared = {(choice, "train", 2000): spec}
    print(
        json.dumps(
            {
                "figure_ms": median_ms(figure, args.repeats),
                "to_json_ms": median_ms(lambda: pio.to_json(fig, validate=False), args.repeats),
                "shared_lookup_ms": median_ms(lambda: shared[(choice, "train", 2000)], args.repeats),
                "json_kb": round(len(spec) / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
