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

from mnistlab import binary, data, plots


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
    ds = data.load_mnist()
    # The playground's recipe, as mnistlab/ui/cached.py builds it: split, 7 vs 9, scale, 2-D PCA.
    problem = binary.pca_2d(data.scale(data.binary_problem(data.train_test(ds.X, ds.y), (7, 9))))[1]
    choice = binary.ModelChoice(family="logistic", C=1.0)
    model, _ = binary.fit(choice.build(), problem)
    pmap = binary.probability_map(model, binary.plane_bounds(problem.X_train), 160)
    every = int(np.ceil(len(problem.y_train) / 2000))
    X, y = problem.X_train[::every], problem.y_train[::every]

    def figure():
        return plots.probability_map_figure(pmap.xs, pmap.ys, pmap.p, X, y, ("7", "9"))

    fig = figure()
    pio.json.config.default_engine = "orjson"
    spec = pio.to_json(fig, validate=False)
    shared = {(choice, "train", 2000): spec}
    print(json.dumps({
        "figure_ms": median_ms(figure, args.repeats),
        "to_json_ms": median_ms(lambda: pio.to_json(fig, validate=False), args.repeats),
        "shared_lookup_ms": median_ms(lambda: shared[(choice, "train", 2000)], args.repeats),
        "json_kb": round(len(spec) / 1024, 1),
    }))


if __name__ == "__main__":
    main()
