"""Adversarial digits: FGSM against its closed form on logistic regression, the L-infinity and pixel
bounds of every attack, targeted attacks reaching their target, and the accuracy curve's end points."""

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from mnistlab.data import problems
from mnistlab.models import attacks, training


@pytest.fixture(scope="module")
def pixels_7_9(mnist_split):
    """The 7-vs-9 problem: 2,000 training images in pixel units [0, 1], their 0/1 labels, the scaler."""
    pair = problems.binary_problem(mnist_split)
    scaler = problems.fit_scaler(pair.X_train)
    return pair.X_train[:2000] / 255.0, pair.y_train[:2000].astype(np.int64), scaler


def test_fgsm_on_logistic_regression_is_eps_times_sign_of_w(pixels_7_9):
    P, y, scaler = pixels_7_9
    fit = LogisticRegression(max_iter=300).fit(scaler.transform(P * 255.0), y)
    model = attacks.PixelModel(attacks.linear_model(fit.coef_, fit.intercept_), scaler)
    eps = 0.1
    adv = attacks.fgsm(model, P[:200], y[:200], eps)
    # The loss of label 1 falls along +w, of label 0 along -w: the attack steps the other way.
    away = np.where(y[:200, None] == 1, -1.0, 1.0) * np.sign(fit.coef_[0])[None, :]
    expected = np.clip(P[:200] + eps * away, 0.0, 1.0)
    np.testing.assert_allclose(adv, expected, atol=1e-6)
    # And the linear model is fooled: most of these training images change class.
    assert (attacks.predict(model, adv).argmax(1) != y[:200]).mean() > 0.5


@pytest.fixture(scope="module")
def softmax_net(mnist_split):
    """A 10-class softmax regression trained for two epochs on 5,000 images, fed pixels."""
    small = problems.Split(
        mnist_split.X_train[:5000],
        mnist_split.y_train[:5000],
        mnist_split.X_test[:500],
        mnist_split.y_test[:500],
    )
    scaled = problems.ten_classes(small)
    config = training.TrainConfig(model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=2)
    net = training.train(config, problems.to_tensors(scaled)).model
    model = attacks.PixelModel(net, problems.fit_scaler(small.X_train))
    return model, net, scaled, small.X_test / 255.0, small.y_test.astype(np.int64)


@pytest.mark.parametrize("attack", ["fgsm", "pgd"])
@pytest.mark.parametrize("targeted", [False, True])
def test_attacked_images_stay_within_eps_and_inside_the_pixel_range(softmax_net, attack, targeted):
    model, _, _, P, y = softmax_net
    eps = 0.15
    kw = {"target": (y[:100] + 1) % 10} if targeted else {}
    adv = attacks.ATTACKS[attack](model, P[:100], y[:100], eps, **kw)
    assert adv.shape == P[:100].shape
    assert np.abs(adv - P[:100]).max() <= eps + 1e-6
    assert adv.min() >= 0.0 and adv.max() <= 1.0
    assert np.abs(adv - P[:100]).max() > eps / 2  # it did move


def test_targeted_pgd_reaches_its_target_more_often_than_chance(softmax_net):
    model, _, _, P, y = softmax_net
    target = (y[:200] + 1) % 10
    adv = attacks.pgd(model, P[:200], y[:200], 0.3, steps=20, target=target)
    assert (attacks.predict(model, adv).argmax(1) == target).mean() > 0.8


def test_accuracy_curve_starts_at_clean_accuracy_and_pgd_is_at_least_as_strong(softmax_net):
    model, net, scaled, P, y = softmax_net
    # Clean accuracy computed the training loop's way, on the scaled test images.
    clean = 100 - training.evaluate(net, torch.tensor(scaled.X_test), torch.tensor(y))[1]
    fgsm = attacks.accuracy_curve(model, P, y, (0.0, 0.1, 0.2), "fgsm")
    pgd = attacks.accuracy_curve(model, P, y, (0.1, 0.2), "pgd")
    assert fgsm[0.0] == pytest.approx(clean, abs=0.21)  # one image of 500 may sit on a clipped pixel
    assert fgsm[0.0] > fgsm[0.1] > fgsm[0.2]
    assert pgd[0.1] <= fgsm[0.1] and pgd[0.2] <= fgsm[0.2]


def test_smallest_flip_is_the_first_eps_on_the_grid_that_changes_the_answer(softmax_net):
    model, _, _, P, y = softmax_net
    right = int(np.flatnonzero(attacks.predict(model, P).argmax(1) == y)[0])
    flip = attacks.smallest_flip(model, P[right], int(y[right]))
    assert flip.eps is not None and flip.label != y[right]
    below = round(flip.eps - 0.01, 2)
    if below > 0:  # one grid step less still gives the true answer
        before = attacks.fgsm(model, P[right : right + 1], y[right : right + 1], below)
        assert attacks.predict(model, before).argmax(1)[0] == y[right]


def test_adversarial_training_mixes_attacked_images_and_still_learns(softmax_net):
    _, _, scaled, _, _ = softmax_net
    config = training.TrainConfig(
        model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=1, adversarial_eps=0.1
    )
    tensors = problems.to_tensors(scaled)
    X, y = tensors.X_train[:64], tensors.y_train[:64]
    net = training.new_result(config).model
    mixed = training.adversarial_mix(net, X, y, 0.1)
    assert torch.allclose(mixed[32:], X[32:])  # the second half is clean
    moved = (mixed[:32] - X[:32]).abs()
    assert moved.max() <= 0.1 + 1e-6 and moved.max() > 0.05
    result = training.train(config, tensors)
    assert result.final.val_error_pct < 30
