"""First use (fetch the data): progress while it runs, nothing left behind. The default model's first
training is a job: tests/test_first_use.py."""

from streamlit.testing.v1 import AppTest


def first_use():
    from pathlib import Path

    from mnistlab.data import datasets
    from mnistlab.ui import provision

    # Stand-ins for minutes of work: what is checked is what the page keeps showing afterwards.
    missing = Path("/nonexistent/mnistlab-provision-test")
    datasets.cache_file = lambda spec: missing
    datasets.user_path_for = lambda spec: None
    datasets.load_dataset = lambda spec, progress: progress("Downloading", 0.5)
    provision.fetch_with_progress("fashion")


def test_first_use_leaves_no_status_box_behind_only_toasts(monkeypatch):
    from mnistlab.data import datasets

    for module, names in ((datasets, ("cache_file", "user_path_for", "load_dataset")),):
        for name in names:  # restored after the test: first_use() replaces them in this process
            monkeypatch.setattr(module, name, getattr(module, name))
    at = AppTest.from_function(first_use).run()
    assert not at.exception
    assert len(at.status) == 0 and len(at.expander) == 0
    toasts = [t.value for t in at.toast]
    assert any("fetched and cached" in t for t in toasts)
