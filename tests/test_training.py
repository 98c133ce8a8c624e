"""The torch loop on small slices: every model, the stop flag, callbacks, weights in and out, devices."""

import io
import os
import pickle

import numpy as np
import pytest
import torch

from mnistlab.data import problems
from mnistlab.models import autograd, devices, inference, nets, training, weights
from tests.conftest import scaled_slice


@pytest.fixture(scope="module")
def tensors(mnist_split):
    s = scaled_slice(mnist_split, 1024, 256)
    return problems.to_tensors(s)


@pytest.mark.parametrize("model", list(nets.MODELS))
def test_one_epoch_of_every_model_reports_metrics(tensors, model):
    config = training.TrainConfig(model=model, epochs=1, batch_size=128, lr=1e-3)
    seen = []
    result = training.train(config, tensors, on_epoch=lambda m, r: seen.append(m))
    assert len(seen) == 1 and seen[0].epoch == 1 and result.history == seen
    m = seen[0]
    assert m.epoch_s > 0 and m.samples_per_s > 0
    # The reported numbers are what the returned model does, recomputed here without the loop's evaluate().
    model = result.model.eval()
    with torch.no_grad():
        for X, y, loss, error in (
            (tensors.X_train, tensors.y_train, m.train_loss, m.train_error_pct),
            (tensors.X_val, tensors.y_val, m.val_loss, m.val_error_pct),
        ):
            logits = model(X)
            assert loss == pytest.approx(torch.nn.functional.cross_entropy(logits, y).item(), rel=1e-4)
            assert error == pytest.approx(100 * (logits.argmax(1) != y).double().mean().item())


def test_learning_reduces_the_loss_and_gd_uses_the_full_batch(tensors):
    batches = []
    config = training.TrainConfig(model="linear", optimizer="gd", lr=0.1, epochs=5)
    result = training.train(config, tensors, on_batch=lambda b, n: batches.append(n))
    assert set(batches) == {1}  # one step per epoch: full-batch gradient descent
    assert result.history[-1].train_loss < result.history[0].train_loss


def test_stop_flag_stops_at_a_batch_boundary_and_keeps_the_model(tensors):
    steps = []
    config = training.TrainConfig(model="mlp", epochs=3, batch_size=64)
    result = training.new_result(config)
    before = {k: v.clone() for k, v in result.model.state_dict().items()}
    training.train(
        config,
        tensors,
        on_batch=lambda b, n: steps.append(b),
        should_stop=lambda: len(steps) >= 5,
        result=result,
    )
    assert result.stopped and steps == [1, 2, 3, 4, 5] and result.history == []
    assert any(not torch.equal(before[k], v) for k, v in result.model.state_dict().items())


def test_early_stopping_keeps_the_best_weights(tensors):
    config = training.TrainConfig(model="mlp", optimizer="sgd", lr=1.0, epochs=30, patience=2, batch_size=32)
    result = training.train(config, tensors)
    assert result.early_stopped and len(result.history) < 30
    best = min(m.val_loss for m in result.history)
    loss, _ = training.evaluate(result.model, tensors.X_val, tensors.y_val)
    assert loss == pytest.approx(best, rel=1e-5)


def test_weights_round_trip(tensors):
    result = training.train(training.TrainConfig(model="cnn", epochs=1, batch_size=256), tensors)
    raw = weights.weights_bytes(result.model)
    loaded = weights.load_weights(raw, "cnn")
    np.testing.assert_allclose(
        inference.predict_proba(loaded, tensors.X_val[:10].numpy()),
        inference.predict_proba(result.model, tensors.X_val[:10].numpy()),
        rtol=1e-5,
    )


class RunsCode:
    def __reduce__(self):
        return (os.system, ("echo owned",))


def test_bad_weight_files_are_refused():
    with pytest.raises(weights.WeightsError, match="safely"):
        weights.load_weights(b"not a torch file", "mlp")
    with pytest.raises(weights.WeightsError, match="safely"):
        weights.load_weights(pickle.dumps(RunsCode()), "mlp")
    buffer = io.BytesIO()
    torch.save([1, 2, 3], buffer)
    with pytest.raises(weights.WeightsError, match="state dict"):
        weights.load_weights(buffer.getvalue(), "mlp")
    with pytest.raises(weights.WeightsError, match="do not fit"):
        weights.load_weights(weights.weights_bytes(nets.build("linear")), "mlp")


def test_devices_and_unavailable_gpu():
    status = devices.status()
    assert status["cpu"] is None
    if not torch.cuda.is_available():
        assert "no CUDA" in status["cuda"]
        with pytest.raises(devices.DeviceUnavailable, match="cuda"):
            devices.resolve_device("cuda")


def test_autograd_check_matches_the_formula():
    check = autograd.autograd_check(np.linspace(-0.5, 0.5, 10))
    assert check["max_abs_diff"] < 1e-12
    x = check["x"]
    np.testing.assert_allclose(check["autograd"], 2 * (x + np.exp(x)) * (1 + np.exp(x)))


def test_bf16_mixed_precision_learns_like_float32(tensors):
    def config(precision: str) -> training.TrainConfig:
        return training.TrainConfig(model="mlp", epochs=3, batch_size=64, lr=1e-3, precision=precision)

    runs = {p: training.train(config(p), tensors) for p in training.PRECISIONS}
    for result in runs.values():
        assert result.history[-1].train_loss < result.history[0].train_loss
    assert abs(runs["bf16"].final.val_error_pct - runs["fp32"].final.val_error_pct) < 5
