"""Behaviour that one-line bugs changed without any other test noticing: weights that could run code,
shapes left unchecked, early stopping one epoch late, the queue's order, ties on the board, and a link's
number snapped to an option it does not name."""

from __future__ import annotations

import io
import pickle
import threading
import time
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from mnistlab.data import problems
from mnistlab.jobs import Event, JobKind, LocalExecutor, State
from mnistlab.models import nets, training, weights
from mnistlab.store import NewRun, RunStore, new_token, schema
from tests.conftest import scaled_slice


class LeavesAMark:
    """Unpickling this creates a file: the proof that loading ran code. Any other effect would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def code_running_weights(marker: Path) -> bytes:
    """A real torch.save() file (not just any pickle) whose only entry runs code when unpickled."""
    buffer = io.BytesIO()
    torch.save({"fc1.weight": LeavesAMark(marker)}, buffer)
    return buffer.getvalue()


def test_the_payload_really_runs_when_unpickled(tmp_path):
    # Guards the two tests below: their payload would show itself if it ran.
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(LeavesAMark(marker)))
    assert marker.exists()


def test_an_uploaded_weights_file_never_runs_code(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(weights.WeightsError, match="safely"):
        weights.load_weights(code_running_weights(marker), "mlp")
    assert not marker.exists(), "loading the upload ran its code"


def test_weights_kept_in_the_run_store_never_run_code(tmp_path):
    marker = tmp_path / "ran"
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    try:
        token = new_token()
        run = NewRun(page="training", task="ten_classes", model="MLP", settings={}, metrics={})
        saved = store.save_run(token, "Ada", run, weights=nets.build("mlp"))
        assert saved.weights_kept
        with store.engine.begin() as conn:  # a database someone else could write to
            conn.execute(
                schema.runs.update()
                .where(schema.runs.c.id == saved.run_id)
                .values(weights=code_running_weights(marker))
            )
        with pytest.raises(pickle.UnpicklingError):
            store.weights(token, saved.run_id)
        assert not marker.exists(), "reading the stored weights ran their code"
    finally:
        store.close()


def test_weights_with_the_right_names_and_wrong_shapes_are_refused_with_a_message():
    state = nets.build("mlp").state_dict()
    name = next(iter(state))
    state[name] = torch.zeros(state[name].shape[0] + 1, *state[name].shape[1:])
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with pytest.raises(weights.WeightsError, match="do not fit"):
        weights.load_weights(buffer.getvalue(), "mlp")


def test_early_stopping_stops_exactly_patience_epochs_after_the_best(mnist_split):
    tensors = problems.to_tensors(scaled_slice(mnist_split, 1024, 256))
    torch.manual_seed(0)
    # A learning rate this high overfits (or diverges) within a few epochs of 1,024 images.
    config = training.TrainConfig(model="mlp", optimizer="sgd", lr=1.0, epochs=30, patience=2, batch_size=32)
    result = training.train(config, tensors)
    losses = [m.val_loss for m in result.history]
    assert result.early_stopped and len(losses) < 30, losses
    best = losses.index(min(losses))  # the first epoch with the lowest loss, as the loop counts it
    # Stopped after two epochs without improvement: not one more, not one fewer.
    assert len(losses) == best + 1 + 2, losses


_open: dict[str, threading.Event] = {}
_order: list[str] = []


def held(params, report, should_stop):
    _order.append(params["name"])
    report(Event("start", 0.0))
    while not _open[params["name"]].wait(0.005):
        if should_stop():
            return None
    return params["name"]


HELD = JobKind("held-in-order", held)


def test_the_queue_starts_jobs_in_the_order_position_tells_the_students():
    _order.clear()
    names = ["first", "second", "third", "fourth", "fifth"]
    _open.update({name: threading.Event() for name in names})
    # In this process: the held work waits on events of this module (the queue is what is tested).
    executor = LocalExecutor(limits={"held-in-order": 1}, processes=False)
    try:
        jobs = [executor.submit(HELD, {"name": name}, f"student {name}") for name in names]
        deadline = time.monotonic() + 10
        while not jobs[0].events():
            assert time.monotonic() < deadline
            time.sleep(0.005)
        told = {job.params["name"]: job.status().position for job in jobs[1:]}
        assert told == {"second": 1, "third": 2, "fourth": 3, "fifth": 4}
        for name in names:
            _open[name].set()  # one at a time: the next to start is the one told "1"
            job = jobs[names.index(name)]
            assert job.wait(10) and job.status().state is State.DONE
        assert _order == names
    finally:
        for event in _open.values():
            event.set()
        executor.shutdown()
        _open.clear()


def test_a_tie_on_the_board_goes_to_the_earliest_run(tmp_path):
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    try:
        for name in ("Ada", "Brook", "Cy"):
            tied = {"test_error_pct": 1.5}
            store.save_run(new_token(), name, NewRun("training", "cnn", "CNN", settings={}, metrics=tied))
            time.sleep(0.01)  # distinct creation times: the tie is broken by time, not by row number
        (best,) = store.best_per_task()
        assert best.display_name == "Ada"
        assert [e.display_name for e in store.task_results("cnn")] == ["Ada", "Brook", "Cy"]
    finally:
        store.close()


def c_slider_script():
    """The playground's model knobs, with the router's notice about refused link values."""
    import streamlit as st

    from mnistlab.ui import url_state, widgets

    raw = url_state.url_values()
    st.write(widgets.model_controls().describe())
    url_state.report_ignored(raw)


@pytest.mark.parametrize("between", ["0.0015", "2e-3", "0.5"])
def test_a_link_number_between_two_options_gets_a_notice_and_the_default(between):
    at = AppTest.from_function(c_slider_script, default_timeout=60)
    at.query_params["model-family"] = "Logistic regression"
    at.query_params["model-C"] = between
    at.run()
    assert not at.exception
    assert at.select_slider(key="model-C").value == 1.0  # the default, not the nearest option
    assert len(at.toast) == 1 and f"`model-C={between}`" in at.toast[0].value


def test_a_link_number_equal_to_an_option_in_another_spelling_is_taken_without_a_notice():
    at = AppTest.from_function(c_slider_script, default_timeout=60)
    at.query_params["model-family"] = "Logistic regression"
    at.query_params["model-C"] = "0.0010"
    at.run()
    assert not at.exception and not at.toast
    assert at.select_slider(key="model-C").value == 0.001
