"""The training page's options in the loop: optimisers, schedules, weight decay, dropout, continuing a
model, and weights that go out and come back in."""

import math

import numpy as np
import pytest
import torch

from mnistlab.data import problems
from mnistlab.models import inference, nets, training, weights
from tests.conftest import scaled_slice


@pytest.fixture(scope="module")
def tensors(mnist_split):
    s = scaled_slice(mnist_split, 1024, 256)
    return problems.to_tensors(s)


def weight_norm(model: torch.nn.Module) -> float:
    return float(sum((p.detach() ** 2).sum() for name, p in model.named_parameters() if "weight" in name))


@pytest.mark.parametrize(
    ("name", "kind", "settings"),
    [
        ("momentum", torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
        ("adamw", torch.optim.AdamW, {"weight_decay": 0.05}),
        ("rmsprop", torch.optim.RMSprop, {"weight_decay": 0.05}),
    ],
)
def test_each_optimiser_is_built_as_named_and_learns(tensors, name, kind, settings):
    config = training.TrainConfig(
        model="linear", optimizer=name, lr=3e-3, weight_decay=0.05, epochs=3, batch_size=64
    )
    optimizer = training.make_optimizer(config, nets.build("linear").parameters())
    assert type(optimizer) is kind and optimizer.param_groups[0]["lr"] == 3e-3
    for key, value in settings.items():
        assert optimizer.param_groups[0][key] == value
    history = training.train(config, tensors).history
    assert history[-1].train_loss < history[0].train_loss


def test_an_unknown_optimiser_is_refused_by_name(tensors):
    config = training.TrainConfig(model="linear", optimizer="lbfgs", epochs=1)
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        training.train(config, tensors)


@pytest.mark.parametrize("schedule", ["step", "cosine", "none"])
def test_the_learning_rate_of_every_epoch_follows_the_schedule(tensors, schedule):
    lr, epochs = 0.05, 7
    config = training.TrainConfig(
        model="linear", optimizer="sgd", lr=lr, epochs=epochs, batch_size=256, scheduler=schedule
    )
    seen = [m.lr for m in training.train(config, tensors).history]
    step = max(1, epochs // 3)  # a third of the run, then x0.3
    expected = {
        "step": [lr * 0.3 ** ((e - 1) // step) for e in range(1, epochs + 1)],
        "cosine": [lr * (1 + math.cos(math.pi * (e - 1) / epochs)) / 2 for e in range(1, epochs + 1)],
        "none": [lr] * epochs,
    }[schedule]
    np.testing.assert_allclose(seen, expected, rtol=1e-9)


def test_weight_decay_shrinks_the_weights(tensors):
    def trained(decay: float) -> torch.nn.Module:
        config = training.TrainConfig(
            model="linear", optimizer="sgd", lr=0.05, weight_decay=decay, epochs=3, batch_size=64
        )
        return training.train(config, tensors).model

    plain, decayed = weight_norm(trained(0.0)), weight_norm(trained(0.05))
    # Same seed, same batches: only the decay differs, and it pulls every weight towards zero.
    assert decayed < 0.9 * plain


def test_dropout_is_active_in_training_only(tensors):
    config = training.TrainConfig(model="mlp", dropout=0.5, epochs=1, batch_size=128, lr=1e-3)
    model = training.train(config, tensors).model
    rates = [m.p for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    assert rates == [0.5, 0.5]
    X = tensors.X_val[:64]
    model.train()
    with torch.no_grad():
        a, b = model(X), model(X)
    assert not torch.equal(a, b)  # a new mask each pass
    model.eval()
    with torch.no_grad():
        c, d = model(X), model(X)
    assert torch.equal(c, d)
    # Evaluation (the reported metrics) always runs in eval mode, so it is repeatable.
    assert training.evaluate(model, X, tensors.y_val[:64]) == training.evaluate(model, X, tensors.y_val[:64])


def test_continuing_starts_from_the_current_weights(tensors):
    config = training.TrainConfig(model="linear", optimizer="sgd", lr=0.05, epochs=2, batch_size=64)
    first = training.train(config, tensors)
    trained = {k: v.clone() for k, v in first.model.state_dict().items()}
    # What the page does with the toggle on: a new run (new history) on the last run's model.
    resumed = training.new_result(config, first.model)
    assert resumed.history == [] and resumed.model is first.model
    starts = []

    def keep_first_step(b: int, n: int) -> None:
        if b == 1:
            starts.append({k: v.clone() for k, v in resumed.model.state_dict().items()})

    training.train(config, tensors, result=resumed, on_batch=keep_first_step)
    initial = training.new_result(config).model.state_dict()  # what a run without the toggle starts from
    # After one step the weights are next to the trained ones, not to a fresh initialisation.
    near_trained = sum(float((starts[0][k] - trained[k]).norm()) for k in trained)
    near_initial = sum(float((starts[0][k] - initial[k]).norm()) for k in trained)
    assert near_trained < 0.5 * near_initial
    assert resumed.history[0].train_loss < first.history[0].train_loss


@pytest.mark.parametrize("model_name", list(nets.MODELS))
def test_downloaded_weights_upload_into_the_same_network(tensors, model_name):
    config = training.TrainConfig(model=model_name, dropout=0.2, epochs=1, batch_size=256, lr=1e-3)
    result = training.train(config, tensors)
    raw = weights.weights_bytes(result.model)
    loaded = weights.load_weights(raw, model_name, dropout=0.2)
    result.model.eval()
    np.testing.assert_array_equal(
        inference.predict_proba(loaded, tensors.X_val[:32].numpy()),
        inference.predict_proba(result.model, tensors.X_val[:32].numpy()),
    )
    assert training.evaluate(loaded, tensors.X_val, tensors.y_val) == pytest.approx(
        (result.final.val_loss, result.final.val_error_pct)
    )
