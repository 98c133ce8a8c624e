"""First use (fetch the data, train the default model): progress while it runs, nothing left behind."""

from streamlit.testing.v1 import AppTest


def first_use():
    from pathlib import Path

    from mnistlab.data import datasets
    from mnistlab.models import weights
    from mnistlab.ui import provision, recipe

    # Stand-ins for minutes of work: what is checked is what the page keeps showing afterwards.
    missing = Path("/nonexistent/mnistlab-provision-test")
    datasets.cache_file = lambda spec: missing
    datasets.user_path_for = lambda spec: None
    datasets.load_dataset = lambda spec, progress: progress("Downloading", 0.5)
    weights.default_model_path = lambda name: missing
    weights.default_model = lambda name, problem, progress: progress("epoch 1 of 1", 1.0)
    recipe.ten_classes = lambda name: None
    provision.fetch_with_progress("fashion")
    provision.ensure_default_model("fashion")


def test_first_use_leaves_no_status_box_behind_only_toasts(monkeypatch):
    from mnistlab.data import datasets
    from mnistlab.models import weights
    from mnistlab.ui import recipe

    for module, names in (
        (datasets, ("cache_file", "user_path_for", "load_dataset")),
        (weights, ("default_model_path", "default_model")),
        (recipe, ("ten_classes",)),
    ):
        for name in names:  # restored after the test: first_use() replaces them in this process
            monkeypatch.setattr(module, name, getattr(module, name))
    at = AppTest.from_function(first_use).run()
    assert not at.exception
    assert len(at.status) == 0 and len(at.expander) == 0
    toasts = [t.value for t in at.toast]
    assert any("fetched and cached" in t for t in toasts) and "Default model ready" in toasts
