"""The fast preset's pieces: the one-cycle schedule, the fast network, evaluation summed on the device."""

import numpy as np
import pytest
import torch
from torch import nn

from mnistlab.data import problems
from mnistlab.models import nets, training
from mnistlab.tools import cli
from tests.conftest import scaled_slice


@pytest.fixture(scope="module")
def tensors(mnist_split):
    s = scaled_slice(mnist_split, 1024, 300)
    return problems.to_tensors(s)


def test_onecycle_climbs_to_the_rate_then_anneals_every_batch():
    config = training.TrainConfig(scheduler="onecycle", lr=0.01, epochs=2)
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=config.lr)
    scheduler = training.make_scheduler(config, optimizer, batches_per_epoch=50)
    rates = []
    for _ in range(101):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    peak = int(np.argmax(rates))
    assert rates[peak] == pytest.approx(0.01, rel=1e-3) and 20 <= peak <= 30  # a quarter of 2 x 50 batches
    assert rates[0] < 0.001 and rates[-1] < 1e-5


def test_fast_preset_trains_one_epoch_with_its_schedule(mnist_split):
    # 64 steps: fewer leave the batch-norm running statistics (momentum 0.1) short of the batches' own.
    tensors = problems.to_tensors(scaled_slice(mnist_split, 4096, 1000))
    config = training.TrainConfig(model="fast", **nets.PRESETS["fast"])
    assert config.epochs == 1 and config.scheduler == "onecycle" and config.label_smoothing > 0
    result = training.train(config, tensors)
    assert len(result.history) == 1 and result.history[0].warmup_s >= 0
    assert result.history[0].lr < config.lr / 100  # annealed within the one epoch
    # Chance is ln 10 = 2.3 and 90 %; one epoch of 4,096 images gets to a few per cent.
    assert result.history[0].train_loss < 0.5 and result.history[0].val_error_pct < 10


def test_fast_network_shapes():
    model = nets.build("fast")
    assert model(torch.zeros(5, 784)).shape == (5, 10)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) == len(nets.FAST_WIDTHS)
    hidden = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    assert len(hidden) == 1 and hidden[0].num_features == nets.FAST_HEAD
    assert not any(isinstance(m, nn.BatchNorm1d) for m in nets.fast_cnn(nets.FAST_WIDTHS, head=0).modules())


def test_label_smoothing_makes_the_network_less_sure(tensors):
    """The smoothed target stops the logits short of certainty on the images it trains on."""

    def confidence(smoothing: float) -> float:
        config = training.TrainConfig(
            model="linear", optimizer="adam", lr=3e-2, batch_size=64, epochs=10, label_smoothing=smoothing
        )
        model = training.train(config, tensors).model.eval()
        with torch.no_grad():
            return model(tensors.X_train).softmax(1).max(1).values.mean().item()

    plain, smoothed = confidence(0.0), confidence(0.2)
    assert plain > 0.9 and smoothed < 1 - 0.9 * 0.2  # what the smoothed target asks of the right digit


def test_the_running_loss_is_plain_cross_entropy_when_training_smooths(tensors):
    """A zero rate keeps the weights: the running mean over the epoch is the train loss, unsmoothed."""
    config = training.TrainConfig(
        model="linear", optimizer="sgd", lr=0.0, batch_size=128, epochs=1, label_smoothing=0.2
    )
    running: list[float] = []
    result = training.train(config, tensors, on_loss=lambda _, loss: running.append(loss), loss_every=4)
    assert len(running) == 2  # 8 batches of 128
    assert running[-1] == pytest.approx(result.history[0].train_loss, rel=1e-5)


def test_evaluate_sums_like_python_floats(tensors):
    """One host read per evaluation, with exactly the numbers of a per-batch .item() loop."""
    torch.manual_seed(0)
    model = nets.build("mlp").eval()
    loss_sum, wrong = 0.0, 0
    with torch.no_grad():
        for s in range(0, 300, 70):
            logits = model(tensors.X_val[s : s + 70])
            loss_sum += nn.functional.cross_entropy(logits, tensors.y_val[s : s + 70], reduction="sum").item()
            wrong += (logits.argmax(1) != tensors.y_val[s : s + 70]).sum().item()
    on_device = training.evaluate(model, tensors.X_val, tensors.y_val, batch=70)
    assert on_device == (loss_sum / 300, 100 * wrong / 300)


def test_cli_preset_names_the_network():
    args = cli.build_parser().parse_args(["train", "--preset", "fast", "--json"])
    assert args.preset == "fast"
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["train", "--preset", "no-such-preset"])
