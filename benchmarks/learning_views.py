"""Costs of the "watch it learn" views on this machine, as one JSON line:
``python -m benchmarks.learning_views``. Also checks that the step-by-step logistic regression ends
on the converged fit's map (max |dP| and the share of the plane on the other side of P = 0.5)."""

import json
import time

import numpy as np
import torch

from mnistlab.data import datasets, problems
from mnistlab.models import classic, diagnostics, introspect, nets, stepwise_2d, weights
from mnistlab.views import learning

ds = datasets.load_mnist()
split = problems.full_split(ds)
pair = problems.pair_2d(split)
out: dict = {"torch_threads": torch.get_num_threads()}
b = classic.plane_bounds(pair.X_train)
target = classic.probability_map(classic.logistic(1.0).fit(pair.X_train, pair.y_train), b, 80).p
for fam in ("logistic", "mlp"):
    run = stepwise_2d.start(stepwise_2d.StepConfig(fam, hidden=8))
    t = time.perf_counter()
    epochs = 40 if fam == "logistic" else 10
    for _ in range(epochs):
        stepwise_2d.step(run, pair.X_train, pair.y_train, pair.X_test, pair.y_test)
    out[f"stepwise_{fam}_s_per_epoch"] = round((time.perf_counter() - t) / epochs, 3)
    if fam == "logistic":
        p = stepwise_2d.probability_map(stepwise_2d.at_epoch(run, 40), b, 80).p
        out["logistic_after_40_epochs_max_abs_dP"] = round(float(np.abs(p - target).max()), 4)
        other_side = float(((p > 0.5) != (target > 0.5)).mean())
        out["logistic_after_40_epochs_boundary_disagreement_pct"] = round(100 * other_side, 3)
ten = problems.ten_classes(split)
model, _ = weights.default_model("mnist", ten)
t = time.perf_counter()
diagnostics.test_proba(model, ten.X_test)
out["default_mlp_test_proba_s"] = round(time.perf_counter() - t, 3)
t = time.perf_counter()
introspect.hidden_embedding(model, ten.X_test)
out["default_mlp_hidden_embedding_s"] = round(time.perf_counter() - t, 3)
cnn = nets.build("cnn").eval()
t = time.perf_counter()
for _ in range(5):
    learning.pictures_figure(introspect.conv_filters(cnn), "f")
    for blk in introspect.feature_maps(cnn, ten.X_test[0]):
        maps = blk.maps[:16] if blk.maps.shape[1] > 1 else blk.maps
        learning.pictures_figure(learning.as_pictures(maps), "m")
out["cnn_inside_views_s_per_redraw"] = round((time.perf_counter() - t) / 5, 3)
t = time.perf_counter()
diagnostics.test_proba(cnn, ten.X_test)
out["cnn_test_proba_s"] = round(time.perf_counter() - t, 3)
print(json.dumps(out))
