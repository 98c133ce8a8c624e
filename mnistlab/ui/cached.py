"""Cache wrappers. Arrays and shared models live in ``st.cache_resource`` (read-only);
callers pass small keys (a dataset name), never the arrays themselves."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st

from mnistlab import binary, data, explore, knn, metrics, pca, predict

_fetch_lock = threading.Lock()


def fetch_with_progress(name: str) -> None:
    """First use on a machine: fetch into the on-disk cache, showing each step."""
    spec = data.SPECS[name]
    if data.cache_file(spec).exists() or data.user_path_for(spec):
        return
    with _fetch_lock, st.status(f"Fetching {spec.title} (first use on this machine)...", expanded=True) as status:
        data.load_dataset(spec, progress=lambda message, fraction=None: status.write(message))
        status.update(label=f"{spec.title} fetched and cached", state="complete", expanded=False)


@st.cache_resource(show_spinner="Loading the dataset...")
def dataset(name: str) -> data.Dataset:
    return data.load_dataset(data.SPECS[name])


def _read_only(split: data.Split) -> data.Split:
    for array in (split.X_train, split.y_train, split.X_test, split.y_test):
        array.flags.writeable = False
    return split


@st.cache_resource(show_spinner="Splitting 60,000 / 10,000 as the notebook does...")
def split(name: str) -> data.Split:
    ds = dataset(name)
    return _read_only(data.train_test(ds.X, ds.y))


@st.cache_data(max_entries=8, show_spinner=False)
def overview(name: str, per_class: int = 10) -> dict[str, np.ndarray]:
    s = split(name)
    return {
        "train_counts": explore.class_counts(s.y_train),
        "test_counts": explore.class_counts(s.y_test),
        "samples": explore.samples_per_class(s.X_train, s.y_train, per_class),
        "means": explore.mean_images(s.X_train, s.y_train),
    }


# --- binary problems on two PCA components (pages/binary_2d.py, pages/data.py) -------

@st.cache_resource(max_entries=6, show_spinner="Scaling and projecting on two PCA components...")
def binary_2d(name: str, pair: tuple[int, int]) -> data.Split:
    scaled = data.scale(data.binary_problem(split(name), pair))
    return _read_only(binary.pca_2d(scaled)[1])


@st.cache_data(max_entries=256, show_spinner=False)
def playground(name: str, pair: tuple[int, int], choice: binary.ModelChoice, resolution: int) -> dict:
    """Fit one model of the playground and draw its map; small results only (a few kB)."""
    problem = binary_2d(name, pair)
    model, fit_s = binary.fit(choice.build(), problem)
    pmap = binary.probability_map(model, binary.plane_bounds(problem.X_train), resolution)
    return {"map": pmap, "scores": binary.evaluate(model, problem, fit_s)}


@st.cache_data(max_entries=512, show_spinner=False)
def cv_candidate(name: str, pair: tuple[int, int], features: str, family: str, params: tuple, n_train: int) -> float:
    """Mean 5-fold CV error (%) of one grid candidate, on the first n_train training points.

    ``features``: "2d" (two PCA components, the playground's models) or "784" (all pixels, exercise 2.6)."""
    if features == "2d":
        problem, estimator = binary_2d(name, pair), binary.ModelChoice(family=family).build()
    else:
        problem, estimator = binary_784(name, pair), binary.estimator_784(family)
    result = binary.cv_grid(estimator, {k: [v] for k, v in params}, problem.X_train[:n_train],
                            problem.y_train[:n_train])
    return result.cv_error_pct[0]


# --- principal components of all ten classes (pages/data.py) --------------------------

@st.cache_resource(show_spinner="Scaling the 60,000 training images (float32)...")
def scaled_split(name: str) -> data.Split:
    return _read_only(data.scale(split(name), dtype=np.float32))


@st.cache_resource(show_spinner="Computing all 784 principal components (once)...")
def full_pca(name: str):
    return pca.fit_full_pca(scaled_split(name).X_train)


@st.cache_resource(max_entries=4, show_spinner=False)
def multiclass_2d(name: str) -> np.ndarray:
    model = full_pca(name)
    coords = (scaled_split(name).X_train - model.mean_) @ model.components_[:2].T
    coords.flags.writeable = False
    return coords


# --- all 784 pixels (pages/binary_784.py, pages/multiclass.py) -------------------------

@st.cache_resource(max_entries=4, show_spinner="Scaling the binary problem (784 pixels)...")
def binary_784(name: str, pair: tuple[int, int]) -> data.Split:
    return _read_only(data.scale(data.binary_problem(split(name), pair)))


@st.cache_data(max_entries=64, show_spinner="Refitting the selected setting on every training image...")
def final_784(name: str, pair: tuple[int, int], family: str, params: tuple) -> binary.Scores:
    problem = binary_784(name, pair)
    model = (knn.ExactKNN(dict(params)["n_neighbors"]) if family == "knn"
             else binary.estimator_784(family).set_params(**dict(params)))
    model, fit_s = binary.fit(model, problem)
    if family == "knn":  # k-NN probabilities are often exactly 0: its NLL is infinite, so it is not shown
        return binary.Scores(metrics.error_pct(problem.y_train, model.predict(problem.X_train)),
                             metrics.error_pct(problem.y_test, model.predict(problem.X_test)), float("nan"),
                             len(problem.y_train), len(problem.y_test), fit_s)
    return binary.evaluate(model, problem, fit_s)


@st.cache_data(max_entries=16, show_spinner=False)
def knn_cv_784(name: str, pair: tuple[int, int], n_train: int, ks: tuple[int, ...]) -> dict[int, float]:
    problem = binary_784(name, pair)
    return knn.cv_curve(problem.X_train[:n_train], problem.y_train[:n_train], ks)


@st.cache_data(max_entries=64, show_spinner=False)
def timing_point(name: str, backend: str, n_train: int, k: int) -> knn.TimingPoint:
    s = scaled_split(name)
    return knn.timing_point(backend, n_train, k, s.X_train, s.y_train, s.X_test, s.y_test)


@st.cache_data(max_entries=16, show_spinner="Classifying the 10,000 test images...")
def knn_confusion(name: str, n_train: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    s = scaled_split(name)
    pred = knn.ExactKNN(k).fit(s.X_train[:n_train], s.y_train[:n_train]).predict(s.X_test)
    return metrics.confusion(s.y_test, pred), pred


@st.cache_resource(max_entries=4, show_spinner="Moving the data to the training device...")
def train_tensors(name: str, device: str):
    """The scaled split as tensors on ``device``, shared read-only by every training on this server."""
    import torch

    from mnistlab import training

    s = scaled_split(name)
    return training.to_tensors(s.X_train, s.y_train, s.X_test, s.y_test, torch.device(device))


# --- drawing page ------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def scaler(name: str):
    return data.fit_scaler(split(name).X_train)


_model_lock = threading.Lock()


def ensure_default_model(name: str) -> None:
    """First use on a machine: train the default model with visible progress (cached on disk after)."""
    if predict.default_model_path(name).exists():
        return
    with _model_lock, st.status("Training the default model (first use on this server)...", expanded=True) as box:
        bar = st.progress(0.0)
        predict.default_model(name, scaled_split(name),
                              progress=lambda message, fraction=None: bar.progress(fraction or 0.0, text=message))
        box.update(label="Default model ready", state="complete", expanded=False)


@st.cache_resource(show_spinner="Loading the default model...")
def default_model(name: str):
    return predict.default_model(name, scaled_split(name))


@st.cache_resource(show_spinner="Indexing the training images for nearest neighbours...")
def neighbour_index(name: str) -> knn.ExactKNN:
    s = scaled_split(name)
    return knn.ExactKNN(10).fit(s.X_train, s.y_train)


@st.cache_data(max_entries=2, show_spinner=False)
def reproduce_binary2d(name: str) -> dict:
    from mnistlab import reproduce

    return reproduce.part_binary2d(dataset(name))
