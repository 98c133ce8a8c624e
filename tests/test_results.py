import csv
import io

from mnistlab import results


def sample_rows():
    rows = [
        results.ResultRow(
            page="Binary 2-D",
            model="logistic regression, C=1",
            features="2 PCA components",
            parameters="C=1",
            n_train=12218,
            test_error_pct=26.5617,
            test_nll=1054.11,
            fit_s=0.012,
        ),
        results.ResultRow(
            page="Training",
            model="mlp | adam",
            features="784 pixels",
            parameters="lr=0.0001",
            n_train=60000,
            test_error_pct=2.0,
            fit_s=30.0,
            device="cuda",
        ),
    ]
    return [r.as_table_row() for r in rows]


def test_csv_round_trips():
    text = results.to_csv(sample_rows())
    back = list(csv.DictReader(io.StringIO(text)))
    assert [r["model"] for r in back] == ["logistic regression, C=1", "mlp | adam"]
    assert (
        back[0]["test error (%)"] == "26.56"
        and back[1]["test NLL (sum)"] == ""
        and back[1]["device"] == "cuda"
    )


def test_markdown_table_for_slides():
    md = results.to_markdown(sample_rows()).splitlines()
    assert md[0].startswith("| page | model |") and md[1].startswith("|---|")
    assert len(md) == 4 and "mlp \\| adam" in md[3] and "| 26.56 |" in md[2]


def test_notebook_comparison_shows_differences():
    rows = results.notebook_comparison(
        {
            "binary2d.logreg.test_error_pct": 26.56,
            "binary2d.logreg.seconds": 0.3,
            "binary2d.poly.best_degree": 5,
        },
        {"binary2d.logreg.test_error_pct": 26.61},
    )
    by_key = {r["result"]: r for r in rows}
    assert by_key["binary2d.logreg.test_error_pct"]["difference"] == round(26.56 - 26.61, 4)
    assert by_key["binary2d.poly.best_degree"]["notebook printed"] is None
    assert "binary2d.logreg.seconds" not in by_key


def test_each_difference_from_the_notebook_says_how_many_images_and_why():
    # 540 and 541 errors of 2,033 test images, as computed for the notebook's 2-D logistic regression.
    ours, theirs = 100 * 540 / 2033, 100 * 541 / 2033
    reproduced = {
        "binary2d.logreg.test_error_pct": ours,
        "binary2d.logreg.n_test": 2033,
        "binary2d.logreg.nll": 1054.1229,
    }
    printed = {"binary2d.logreg.test_error_pct": theirs, "binary2d.logreg.nll": 1054.1279}
    rows = results.notebook_comparison(
        reproduced, printed, {"binary2d.logreg.test_error_pct": "The PCA solver."}
    )
    by_key = {r["result"]: r for r in rows}
    assert "binary2d.logreg.n_test" not in by_key
    assert by_key["binary2d.logreg.test_error_pct"]["why"] == "1 test image of 2,033. The PCA solver."
    assert by_key["binary2d.logreg.nll"]["why"] == ""  # no explanation given: none invented


def test_missing_values_show_as_blank_cells():
    shown = results.blank_missing([{"model": "1-NN", "test NLL (sum)": None, "test error (%)": 3.1}])
    assert shown == [{"model": "1-NN", "test NLL (sum)": "", "test error (%)": 3.1}]


def test_a_column_with_blanks_has_one_type_for_arrow():
    """The Results page's comparison: 'notebook printed' is blank where the notebook withheld a value."""
    import pandas as pd
    import pyarrow as pa

    rows = [
        {"result": "a.test_error_pct", "notebook printed": 25.53, "difference": 0.05},
        {"result": "b.test_nll", "notebook printed": None, "difference": None},
    ]
    shown = results.blank_missing(rows)
    assert [r["notebook printed"] for r in shown] == ["25.53", ""]
    pa.Table.from_pandas(pd.DataFrame(shown))  # raised ArrowTypeError: "Expected bytes, got a 'float'"


def test_a_row_is_identified_by_its_setting_not_its_scores():
    a = results.ResultRow(page="p", model="m", features="f", parameters="C=1", n_train=10, test_error_pct=1.0)
    b = results.ResultRow(page="p", model="m", features="f", parameters="C=1", n_train=10, test_error_pct=2.0)
    c = results.ResultRow(page="p", model="m", features="f", parameters="C=2", n_train=10, test_error_pct=1.0)
    assert a.identity() == b.identity() != c.identity()
    assert (
        results.ResultRow(
            page="p",
            model="k-NN",
            features="f",
            parameters="K=1",
            n_train=10,
            test_error_pct=1.0,
            test_nll=float("nan"),
        ).as_table_row()["test NLL (sum)"]
        is None
    )


def test_a_record_s_identity_includes_the_dataset():
    """The same setting on MNIST then Fashion-MNIST is two results, each stored."""
    import dataclasses

    from mnistlab.records import RunRecord

    mnist = RunRecord(
        page="binary_2d",
        dataset="mnist",
        model="m",
        features="f",
        parameters="C=1",
        n_train=10,
        test_error_pct=1.0,
    )
    fashion = dataclasses.replace(mnist, dataset="fashion")
    assert mnist.identity() != fashion.identity()
    assert mnist.result_row().identity() != fashion.result_row().identity()
    assert mnist.result_row().page == "Binary 2-D"  # the page's name from the one page registry


def test_a_training_is_named_by_its_network_not_by_a_session_s_run_number():
    from mnistlab.models import nets, training
    from mnistlab.ui import runs

    result = training.TrainResult(nets.build("fast"), training.TrainConfig(model="fast", epochs=1))
    result.history.append(training.EpochMetrics(1, 0.1, 1.0, 0.1, 0.9, 1.0, 1000.0, 0.01))
    record = runs.run_record(result, "finished", "mnist", run=1)
    assert record.model == "Fast CNN"
    assert record.board_task == "ten_classes" and record.run == 1 and record.network is not None
