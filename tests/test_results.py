import csv
import io

from mnistlab import results


def sample_rows():
    return [results.row("Binary 2-D", "logistic regression, C=1", "2 PCA components", "C=1", 12218, 26.5617, 1054.11, 0.012),
            results.row("Training", "mlp | adam", "784 pixels", "lr=0.0001", 60000, 2.0, None, 30.0, "cuda")]


def test_csv_round_trips():
    text = results.to_csv(sample_rows())
    back = list(csv.DictReader(io.StringIO(text)))
    assert [r["model"] for r in back] == ["logistic regression, C=1", "mlp | adam"]
    assert back[0]["test error (%)"] == "26.56" and back[1]["test NLL (sum)"] == "" and back[1]["device"] == "cuda"


def test_markdown_table_for_slides():
    md = results.to_markdown(sample_rows()).splitlines()
    assert md[0].startswith("| page | model |") and md[1].startswith("|---|")
    assert len(md) == 4 and "mlp \\| adam" in md[3] and "| 26.56 |" in md[2]


def test_notebook_comparison_shows_differences():
    rows = results.notebook_comparison({"binary2d.logreg.test_error_pct": 26.56, "binary2d.logreg.seconds": 0.3,
                                        "binary2d.poly.best_degree": 5},
                                       {"binary2d.logreg.test_error_pct": 26.61})
    by_key = {r["result"]: r for r in rows}
    assert by_key["binary2d.logreg.test_error_pct"]["difference"] == round(26.56 - 26.61, 4)
    assert by_key["binary2d.poly.best_degree"]["notebook printed"] is None
    assert "binary2d.logreg.seconds" not in by_key
