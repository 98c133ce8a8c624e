"""The dashboard's long computations as job kinds: each ``work`` adapts one core algorithm (its
progress callbacks become events, its ``should_stop`` is the job's) and takes only small, picklable
params, so the same kind runs in a worker here or in a Ray worker on another machine. The digits come
from ``data.loaders``, once per process."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from mnistlab.course import notebook_loop, reproduction
from mnistlab.data import loaders, problems
from mnistlab.jobs.job import PLACEMENT, SNAPSHOT, Event, JobKind, Report, ShouldStop
from mnistlab.models import classic, devices, knn, mlp_epochs, training, weights

# --- training ---------------------------------------------------------------------------


def train_resource(params: dict) -> str:
    return "gpu" if training.as_config(params["config"]).device == "cuda" else "cpu"


def train_work(params: dict, report: Report, should_stop: ShouldStop) -> training.TrainResult:
    """params: config (a TrainConfig, or its fields), dataset, n_train / n_test (first images only),
    weights (bytes from ``weights.weights_bytes``, to continue), loss_every (batches)."""
    config = training.as_config(params["config"])
    device = devices.resolve_device(config.device)
    report(Event(PLACEMENT, values={"device": devices.device_name(device)}))
    name, n_train, n_test = params.get("dataset", "mnist"), params.get("n_train"), params.get("n_test")
    if n_train is None and n_test is None:
        data = loaders.full_tensors(name, str(device))
    else:
        data = problems.to_tensors(loaders.first(loaders.ten_classes(name), n_train, n_test), device)
    start_from = params.get("weights")
    model = weights.load_weights(start_from, config.model, config.dropout) if start_from else None
    result = training.new_result(config, model)

    def on_loss(epochs_done: float, running_loss: float) -> None:
        message = f"epoch {epochs_done:.2f}: loss {running_loss:.4f}"
        values = {"epoch": epochs_done, "train_loss": running_loss}
        report(Event("batch", epochs_done / config.epochs, message, values))

    def on_epoch(m: training.EpochMetrics, _) -> None:
        message = f"epoch {m.epoch}: test error {m.val_error_pct:.2f} %"
        report(Event("epoch", m.epoch / config.epochs, message, asdict(m)))
        # The page draws the network's filters and feature maps as it learns.
        state = {k: v.detach().cpu().clone() for k, v in result.model.state_dict().items()}
        report(Event(SNAPSHOT, values={"epoch": m.epoch, "state": state}))

    training.train(
        config,
        data,
        on_epoch=on_epoch,
        should_stop=should_stop,
        result=result,
        on_loss=on_loss,
        loss_every=params.get("loss_every", 20),
    )
    result.model = result.model.cpu()  # the handle may live on a machine without this GPU
    return result


# --- cross-validation ---------------------------------------------------------------------


def cv_grid_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """``classic.cv_grid``: a fold's event too (one 784-pixel MLP candidate takes minutes).

    params: dataset, pair, features ("2d" or "784"), family, grid ({name: [values]}), n_train,
    refit (fit the best candidate on the n_train images and score it on the test set)."""
    features, family = params.get("features", "2d"), params["family"]
    problem = loaders.binary_problem(
        params.get("dataset", "mnist"), tuple(params.get("pair", problems.DEFAULT_PAIR)), features
    )
    problem = loaders.first(problem, params.get("n_train"))
    estimator = (
        classic.ModelChoice(family=family).build() if features == "2d" else classic.estimator_784(family)
    )

    def on_fold(i: int, n: int, fold: int, folds: int, candidate: dict) -> None:
        message = f"{candidate}: fold {fold}/{folds}"
        report(Event("fold", (i + fold / folds) / n, message, {"index": i, "fold": fold}))

    def on_candidate(i: int, n: int, candidate: dict, error: float) -> None:
        values = {"index": i, "params": candidate, "cv_error_pct": error}
        report(Event("candidate", (i + 1) / n, f"{candidate} -> {error:.2f} %", values))

    grid = classic.cv_grid(
        estimator,
        params["grid"],
        problem.X_train,
        problem.y_train,
        on_candidate=on_candidate,
        should_stop=should_stop,
        on_fold=on_fold,
    )
    out = {
        "params": grid.params,
        "cv_error_pct": grid.cv_error_pct,
        "complete": grid.complete,
        "scores": None,
        "n_train": len(problem.y_train),
    }
    if grid.complete and params.get("refit") and not should_stop():
        refitted = classic.refit_best(estimator, grid, problem, should_stop)
        if refitted is not None:
            out["best_params"], out["scores"] = refitted
    return out


def knn_cv_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """Exercise 2.6's k-NN curve over K (all 784 pixels), ``knn.cv_curve``. params: dataset, pair,
    n_train, ks, query_block."""
    problem = loaders.binary_problem(
        params.get("dataset", "mnist"), tuple(params.get("pair", problems.DEFAULT_PAIR)), "784"
    )
    n = params.get("n_train")
    curve = knn.cv_curve(
        problem.X_train[:n],
        problem.y_train[:n],
        tuple(params.get("ks", classic.KNN_KS)),
        on_fold=lambda i, folds: report(Event("fold", i / folds, f"fold {i}/{folds}", {"fold": i})),
        should_stop=should_stop,
        query_block=params.get("query_block", knn.QUERY_BLOCK),
    )
    return {"curve": curve}


# --- k-NN timing, the ten-class MLP -----------------------------------------------------------


def knn_timing_work(params: dict, report: Report, should_stop: ShouldStop) -> list[knn.TimingPoint]:
    """Exercise 3.2's curve, point by point. params: dataset, sizes, backends, k, n_test."""
    s = loaders.first(loaders.ten_classes(params.get("dataset", "mnist")), None, params.get("n_test"))
    steps = [
        (n, b)
        for n in params.get("sizes", knn.TRAIN_SIZES)
        for b in params.get("backends", list(knn.BACKENDS))
    ]
    points = []
    for i, (n_train, backend) in enumerate(steps):
        if should_stop():
            break
        point = knn.timing_point(
            backend, n_train, params.get("k", 1), s.X_train, s.y_train, s.X_test, s.y_test
        )
        points.append(point)
        message = f"{backend}, {n_train} images: {point.predict_s:.2f} s"
        report(Event("point", (i + 1) / len(steps), message, asdict(point)))
    return points


def mlp_epochs_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """Exercise 3.4's (200, 100) MLP epoch by epoch until MLPClassifier's own stopping rule,
    ``mlp_epochs.fit_by_epoch``. params: dataset, n_train, max_epochs (this job's share), model and
    log (from a previous result, to continue)."""
    s = loaders.ten_classes(params.get("dataset", "mnist"))
    n = params.get("n_train")
    model = params.get("model") or mlp_epochs.notebook_mlp()
    log = params.get("log") or mlp_epochs.EpochLog()

    def on_epoch(epoch: int, log: mlp_epochs.EpochLog) -> None:
        values = {"epoch": epoch, "train_loss": log.losses[-1], "seconds": log.seconds[-1]}
        report(Event("epoch", None, f"epoch {epoch}: loss {log.losses[-1]:.4f}", values))

    mlp_epochs.fit_by_epoch(
        model,
        s.X_train[:n],
        s.y_train[:n],
        log,
        on_epoch=on_epoch,
        should_stop=should_stop,
        max_epochs=params.get("max_epochs"),
        classes=np.unique(s.y_train),
    )
    scores = mlp_epochs.score(model, s.X_test, s.y_test) if log.losses else None
    return {"model": model, "log": log, "scores": scores, "n_train": len(s.y_train[:n])}


# --- the command line's long commands (python -m mnistlab ... --ray ADDRESS) ----------------


def _progress_events(report: Report):
    return lambda message, fraction=None: report(Event("progress", fraction, message))


def bench_train_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """``bench train`` where the executor runs it. params: dataset, repeats, device, model."""
    device = devices.resolve_device(params.get("device", "cpu"))
    report(Event(PLACEMENT, values={"device": devices.device_name(device)}))
    return notebook_loop.bench_train(
        loaders.dataset(params.get("dataset", "mnist")),
        repeats=params.get("repeats", 3),
        device=params.get("device", "cpu"),
        model_name=params.get("model", "mlp"),
        progress=_progress_events(report),
    )


def default_model_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """params: dataset. The draw page's default model, trained into the shared cache (or loaded from it):
    a job, so a visitor who leaves does not take the training with them and no page waits on it."""
    name = params["dataset"]

    def progress(message: str, fraction: float | None = None) -> None:
        report(Event("epoch", fraction, message))

    _, error = weights.default_model(
        name, loaders.ten_classes(name), progress=progress, should_stop=should_stop
    )
    return {"dataset": name, "test_error_pct": error}


def reproduce_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """``reproduce`` where the executor runs it. params: dataset, parts."""
    ds = loaders.dataset(params.get("dataset", "mnist"))
    return reproduction.reproduce(ds, list(params["parts"]), _progress_events(report))


def _device_resource(params: dict) -> str:
    return "gpu" if params.get("device", "cpu") == "cuda" else "cpu"


KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("train", train_work, train_resource, "a PyTorch network, batch by batch"),
        JobKind("cv_grid", cv_grid_work, description="a 5-fold CV grid (two PCA components or 784 pixels)"),
        JobKind("knn_cv", knn_cv_work, description="5-fold CV of k-NN over K, 784 pixels"),
        JobKind("knn_timing", knn_timing_work, description="k-NN fit and predict times by training size"),
        JobKind("mlp_epochs", mlp_epochs_work, description="the ten-class MLP, epoch by epoch"),
        JobKind("bench_train", bench_train_work, _device_resource, "the training benchmark"),
        JobKind("reproduce", reproduce_work, description="the notebook's results, recomputed"),
        JobKind("default_model", default_model_work, description="the draw page's default MLP, first use"),
    )
}
