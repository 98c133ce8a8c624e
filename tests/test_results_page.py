"""The Results page's comparison with the notebook (AppTest): each difference explained, blanks blank."""

import json
import logging
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mnistlab.data import datasets

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_notebook_comparison_explains_each_difference(mnist, tmp_path, monkeypatch):
    cache = datasets.cache_dir()
    for name in ("mnist.npz", *[p.name for p in cache.glob("mnist-default-*.pt")]):
        (tmp_path / name).symlink_to(cache / name)
    (tmp_path / "reproduce.json").write_text(
        json.dumps(
            {
                "binary2d.logreg.test_error_pct": 100 * 540 / 2033,
                "binary2d.logreg.nll": 1054.1229,
                "binary2d.logreg.n_test": 2033,
                "binary2d.poly.test_error_pct": 10.5,
            }
        )
    )
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path))
    # Streamlit logs a failed Arrow conversion (the server log's ArrowTypeError) at info level on its
    # own logger, which does not propagate, and carries on.
    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    log = logging.getLogger("streamlit.dataframe_util")
    monkeypatch.setattr(log, "level", logging.INFO)
    log.addHandler(handler)
    try:
        at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/results.py").run()
    finally:
        log.removeHandler(handler)
    assert not at.exception
    assert not [m for m in logged if "Arrow" in m], logged
    table = at.dataframe[-1].value
    row = table[table["result"] == "binary2d.logreg.test_error_pct"].iloc[0]
    assert row["why"].startswith("1 test image of 2,033.") and "PCA" in row["why"]
    withheld = table[table["result"] == "binary2d.poly.test_error_pct"].iloc[0]
    assert withheld["notebook printed"] == "" and withheld["why"] == ""


def test_results_are_listed_newest_first_one_row_per_setting(mnist):
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/binary_2d.py").run()
    for C in (0.01, 1.0, 0.1):  # back to C = 1 in between: its row is refreshed, not repeated
        at.select_slider(key="model-C").set_value(C).run()
    at.switch_page("pages/results.py").run()
    models = list(at.dataframe[0].value["model"])
    assert models == ["logistic regression, C=0.1", "logistic regression, C=1", "logistic regression, C=0.01"]


def pin(at: AppTest, model: str) -> None:
    chooser = at.multiselect(key="results-pinned")
    option = next(o for o in chooser.options if o.endswith(model))
    chooser.select(option).run()


def test_a_pinned_row_stays_at_the_top_above_newer_rows(mnist):
    at = AppTest.from_file(APP, default_timeout=120).switch_page("pages/binary_2d.py").run()
    for C in (0.01, 0.1):
        at.select_slider(key="model-C").set_value(C).run()
    at.switch_page("pages/results.py").run()
    pin(at, "logistic regression, C=0.01")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["model"]) == [
        "logistic regression, C=0.01",
        "logistic regression, C=0.1",
        "logistic regression, C=1",
    ]
    assert list(table["pinned"]) == [True, False, False]
    at.switch_page("pages/binary_2d.py").run()
    at.select_slider(key="model-C").set_value(10.0).run()  # a newer row goes below the pinned one
    at.switch_page("pages/results.py").run()
    assert list(at.dataframe[0].value["model"])[:2] == [
        "logistic regression, C=0.01",
        "logistic regression, C=10",
    ]
    at.multiselect(key="results-pinned").set_value([]).run()  # unpinned: back to newest first
    assert list(at.dataframe[0].value["model"])[0] == "logistic regression, C=10"
