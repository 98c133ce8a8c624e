"""The dashboard's long computations as job kinds: a training, a CV grid (two PCA components or
all 784 pixels), the k-NN CV curve over K, the k-NN timing curve, the ten-class MLP by epochs.

Each ``work`` loads the digits itself, once per worker process, from the digest-checked cache
(``datasets.load_dataset``), and takes only small params, so the same kind runs in a thread here
or in a Ray worker on another machine.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from dataclasses import asdict

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, StratifiedKFold
from sklearn.neural_network import MLPClassifier

from mnistlab.data import datasets, problems
from mnistlab.jobs.job import PLACEMENT, SNAPSHOT, Event, JobKind, Report, ShouldStop, Stopped
from mnistlab.models import classic, devices, knn, mlp_epochs, training, weights

_load_lock = threading.RLock()  # re-entrant: one loader calls another


_loaded: list = []  # every loader's cache, for forget_loaded()


def forget_loaded() -> None:
    """Drop what this process's workers loaded (a test that swaps the data source calls this)."""
    with _load_lock:
        for cached in _loaded:
            cached.cache_clear()


def _once(func):
    """lru_cache that also keeps two threads of one worker from loading the same thing twice."""
    cached = functools.lru_cache(maxsize=4)(func)
    _loaded.append(cached)

    @functools.wraps(func)
    def wrapper(*args):
        with _load_lock:
            return cached(*args)

    return wrapper


@_once
def dataset(name: str) -> datasets.Dataset:
    # MNISTLAB_DATA (a user's copy) or the cache, each checked against the canonical digests.
    return datasets.load_dataset(datasets.SPECS[name])


@_once
def ten_classes(name: str) -> problems.Split:
    return problems.ten_classes(problems.full_split(dataset(name)))


@_once
def binary_problem(name: str, pair: tuple[int, int], features: str) -> problems.Split:
    split = problems.full_split(dataset(name))
    return problems.pair_2d(split, pair) if features == "2d" else problems.pair_784(split, pair)


@_once
def full_tensors(name: str, device: str) -> problems.TensorData:
    # Read-only in training (batches are index slices), so one copy per device serves every job.
    return problems.to_tensors(ten_classes(name), device)


def _first(split: problems.Split, n_train: int | None, n_test: int | None = None) -> problems.Split:
    return problems.Split(
        split.X_train[:n_train], split.y_train[:n_train], split.X_test[:n_test], split.y_test[:n_test]
    )


# --- training ---------------------------------------------------------------------------


def train_resource(params: dict) -> str:
    return "gpu" if params["config"].get("device", "cpu") == "cuda" else "cpu"


def train_work(params: dict, report: Report, should_stop: ShouldStop) -> training.TrainResult:
    """params: config (TrainConfig fields), dataset, n_train / n_test (first images only),
    weights (bytes from ``weights.weights_bytes``, to continue), loss_every (batches)."""
    config = training.TrainConfig(**params["config"])
    device = devices.resolve_device(config.device)
    report(Event(PLACEMENT, values={"device": _device_name(device)}))
    name, n_train, n_test = params.get("dataset", "mnist"), params.get("n_train"), params.get("n_test")
    if n_train is None and n_test is None:
        data = full_tensors(name, str(device))
    else:
        data = problems.to_tensors(_first(ten_classes(name), n_train, n_test), device)
    start_from = params.get("weights")
    model = weights.load_weights(start_from, config.model, config.dropout) if start_from else None
    result = training.new_result(config, model)

    def on_loss(epochs_done: float, running_loss: float) -> None:
        report(
            Event(
                "batch",
                epochs_done / config.epochs,
                f"epoch {epochs_done:.2f}: loss {running_loss:.4f}",
                {"epoch": epochs_done, "train_loss": running_loss},
            )
        )

    def on_epoch(m: training.EpochMetrics, _) -> None:
        report(
            Event(
                "epoch",
                m.epoch / config.epochs,
                f"epoch {m.epoch}: test error {m.val_error_pct:.2f} %",
                asdict(m),
            )
        )
        # The page draws the network's filters and feature maps as it learns.
        report(
            Event(
                SNAPSHOT,
                values={
                    "epoch": m.epoch,
                    "state": {k: v.detach().cpu().clone() for k, v in result.model.state_dict().items()},
                },
            )
        )

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


def _device_name(device) -> str:
    if device.type == "cuda":
        import torch

        return f"cuda:{torch.cuda.current_device()} ({torch.cuda.get_device_name(device)})"
    return device.type


# --- cross-validation grids ----------------------------------------------------------------


@contextlib.contextmanager
def stoppable(model, should_stop: ShouldStop):
    """Let a Stop interrupt an MLPClassifier inside its fit, at the next minibatch: one fit of the
    784-pixel MLP runs for a minute. The fit's own computation is untouched (same weights when it
    is not stopped); a stopped fit raises ``Stopped`` and its model is discarded."""
    net = model.steps[-1][1] if hasattr(model, "steps") else model
    if not isinstance(net, MLPClassifier):
        yield model
        return
    backprop = net._backprop  # noqa: SLF001 (the one call every minibatch goes through)

    def checked(*args, **kwargs):
        if should_stop():
            raise Stopped
        return backprop(*args, **kwargs)

    net._backprop = checked  # noqa: SLF001
    try:
        yield model
    finally:
        del net._backprop  # back to the class's method, so the model pickles


def cv_grid_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """GridSearchCV's folds (same errors as ``classic.cv_grid``), one fold fit at a time: a Stop waits
    for the next MLP minibatch, or for the running fit of the other families, never a whole candidate.

    params: dataset, pair, features ("2d" or "784"), family, grid ({name: [values]}), n_train,
    refit (fit the best candidate on the n_train images and score it on the test set)."""
    features, family = params.get("features", "2d"), params["family"]
    problem = binary_problem(
        params.get("dataset", "mnist"), tuple(params.get("pair", problems.DEFAULT_PAIR)), features
    )
    X, y = problem.X_train[: params.get("n_train")], problem.y_train[: params.get("n_train")]
    estimator = (
        classic.ModelChoice(family=family).build() if features == "2d" else classic.estimator_784(family)
    )
    candidates = list(ParameterGrid(params["grid"]))
    errors = [float("nan")] * len(candidates)
    folds = list(StratifiedKFold(classic.CV_FOLDS).split(X, y))
    out = {"params": candidates, "cv_error_pct": errors, "complete": False, "scores": None, "n_train": len(y)}
    for i, candidate in enumerate(candidates):
        accuracy = []
        for train_idx, val_idx in folds:  # a fold's event too: one 784-pixel MLP candidate takes minutes
            if should_stop():
                return out
            try:
                with stoppable(clone(estimator).set_params(**candidate), should_stop) as model:
                    model.fit(X[train_idx], y[train_idx])
            except Stopped:
                return out
            accuracy.append(model.score(X[val_idx], y[val_idx]))
            report(
                Event(
                    "fold",
                    (i + len(accuracy) / len(folds)) / len(candidates),
                    f"{candidate}: fold {len(accuracy)}/{len(folds)}",
                    {"index": i, "fold": len(accuracy)},
                )
            )
        errors[i] = float(100 - 100 * np.mean(accuracy))
        report(
            Event(
                "candidate",
                (i + 1) / len(candidates),
                f"{candidate} -> {errors[i]:.2f} %",
                {"index": i, "params": candidate, "cv_error_pct": errors[i]},
            )
        )
    out["complete"] = True
    if params.get("refit") and not should_stop():
        best = classic.GridResult(candidates, errors, True).best_params
        try:
            with stoppable(clone(estimator).set_params(**best), should_stop) as model:
                model, fit_s = classic.fit(model, _first(problem, len(y)))
        except Stopped:
            return out
        out["scores"] = classic.evaluate(model, _first(problem, len(y)), fit_s)
        out["best_params"] = best
    return out


QUERY_BLOCK = 500  # validation images searched between two looks at the stop flag (~0.2 s each)


def knn_cv_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """Exercise 2.6's k-NN curve over K (all 784 pixels): ``knn.cv_curve``'s folds and votes, with the
    search in blocks of queries so a Stop does not wait for a whole fold.
    params: dataset, pair, n_train, ks."""
    problem = binary_problem(
        params.get("dataset", "mnist"), tuple(params.get("pair", problems.DEFAULT_PAIR)), "784"
    )
    n = params.get("n_train")
    X, ks = problem.X_train[:n], tuple(params.get("ks", classic.KNN_KS))
    classes, labels = np.unique(problem.y_train[:n], return_inverse=True)
    errors: dict[int, list[float]] = {k: [] for k in ks}
    folds = list(StratifiedKFold(classic.CV_FOLDS).split(X, labels))
    for i, (tr, va) in enumerate(folds):
        index = knn.ExactKNN(max(ks)).fit(X[tr], labels[tr])
        neighbours = []
        for s in range(0, len(va), QUERY_BLOCK):
            if should_stop():
                return {"curve": None}
            neighbours.append(index.kneighbors(X[va[s : s + QUERY_BLOCK]])[1])
        votes = knn.votes_for_every_k(labels[tr][np.concatenate(neighbours)], ks, len(classes))
        for k, pred in votes.items():
            errors[k].append(100 * np.mean(pred != labels[va]))
        report(Event("fold", (i + 1) / len(folds), f"fold {i + 1}/{len(folds)}", {"fold": i + 1}))
    return {"curve": {k: float(np.mean(v)) for k, v in errors.items()}}


def knn_timing_work(params: dict, report: Report, should_stop: ShouldStop) -> list[knn.TimingPoint]:
    """Exercise 3.2's curve, point by point. params: dataset, sizes, backends, k, n_test."""
    s = _first(ten_classes(params.get("dataset", "mnist")), None, params.get("n_test"))
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
        report(
            Event(
                "point",
                (i + 1) / len(steps),
                f"{backend}, {n_train} images: {point.predict_s:.2f} s",
                asdict(point),
            )
        )
    return points


def mlp_epochs_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """Exercise 3.4's (200, 100) MLP epoch by epoch until MLPClassifier's own stopping rule.

    params: dataset, n_train, max_epochs (this job's share), model and log (from a previous result,
    to continue)."""
    s = ten_classes(params.get("dataset", "mnist"))
    n = params.get("n_train")
    model = params.get("model") or mlp_epochs.notebook_mlp()
    log = params.get("log") or mlp_epochs.EpochLog()
    classes = np.unique(s.y_train)
    budget = params.get("max_epochs", model.max_iter)
    for _ in range(budget):
        if should_stop() or len(log.losses) >= model.max_iter:
            log.stopped = should_stop()
            break
        start = time.perf_counter()
        try:  # a Stop mid-epoch keeps that epoch's updates so far, unlogged
            with stoppable(model, should_stop):
                loss = mlp_epochs.train_one_epoch(model, s.X_train[:n], s.y_train[:n], log, classes)
        except Stopped:
            log.stopped = True
            break
        report(
            Event(
                "epoch",
                None,
                f"epoch {len(log.losses)}: loss {loss:.4f}",
                {"epoch": len(log.losses), "train_loss": loss, "seconds": time.perf_counter() - start},
            )
        )
        if mlp_epochs.has_converged(log.losses, model):
            log.converged = True
            break
    scores = mlp_epochs.score(model, s.X_test, s.y_test) if log.losses else None
    return {"model": model, "log": log, "scores": scores, "n_train": len(s.y_train[:n])}


# --- the command line's long commands (python -m mnistlab ... --ray ADDRESS) ----------------


def _progress_events(report: Report):
    return lambda message, fraction=None: report(Event("progress", fraction, message))


def bench_train_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """``bench train`` where the executor runs it. params: dataset, repeats, device, model."""
    from mnistlab.tools import bench

    device = devices.resolve_device(params.get("device", "cpu"))
    report(Event(PLACEMENT, values={"device": _device_name(device)}))
    return bench.bench_train(
        dataset(params.get("dataset", "mnist")),
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

    _, error = weights.default_model(name, ten_classes(name), progress=progress, should_stop=should_stop)
    return {"dataset": name, "test_error_pct": error}


def reproduce_work(params: dict, report: Report, should_stop: ShouldStop) -> dict:
    """``reproduce`` where the executor runs it. params: dataset, parts."""
    from mnistlab.tools import reproduce

    return reproduce.reproduce(
        dataset(params.get("dataset", "mnist")), list(params["parts"]), _progress_events(report)
    )


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
