"""Inside a network: filters, feature maps (against a manual forward pass), saliency, the hidden layer."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from mnistlab.models import diagnostics, introspect, nets


def trained_a_little(name: str) -> torch.nn.Module:
    """Random weights plus a few steps, so batch-norm's running statistics are not the defaults."""
    torch.manual_seed(0)
    model = nets.build(name)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(64, 784) - 0.5)
    return model.eval()


@pytest.fixture
def digit() -> np.ndarray:
    return (np.random.default_rng(1).random(784) - 0.5).astype(np.float32)


def batch_norm(h: torch.Tensor, bn) -> torch.Tensor:
    shape = (1, -1, 1, 1)
    return (h - bn.running_mean.view(shape)) / torch.sqrt(
        bn.running_var.view(shape) + bn.eps
    ) * bn.weight.view(shape) + bn.bias.view(shape)


def test_cnn_filters_and_feature_maps_match_a_manual_forward_pass(digit):
    model = trained_a_little("cnn")
    conv1, bn1, conv2, bn2, dense = model[1], model[2], model[5], model[6], model[11]
    filters = introspect.conv_filters(model)
    assert filters.shape == (32, 5, 5)
    np.testing.assert_array_equal(filters, conv1.weight.detach()[:, 0].numpy())
    assert introspect.input_weights(model) is None  # its first dense layer reads feature maps, not pixels

    blocks = introspect.feature_maps(model, digit)
    assert [b.maps.shape for b in blocks] == [(32, 14, 14), (64, 7, 7), (128, 1, 1)]
    with torch.no_grad():
        x = torch.as_tensor(digit).view(1, 1, 28, 28)
        h1 = F.max_pool2d(F.relu(batch_norm(F.conv2d(x, conv1.weight, conv1.bias, padding=2), bn1)), 2)
        h2 = F.max_pool2d(F.relu(batch_norm(F.conv2d(h1, conv2.weight, conv2.bias, padding=2), bn2)), 2)
        h3 = F.relu(h2.flatten(1) @ dense.weight.T + dense.bias)
    for block, manual in zip(blocks, [h1, h2, h3], strict=True):
        np.testing.assert_allclose(block.maps.ravel(), manual.numpy().ravel(), rtol=1e-4, atol=1e-5)
    assert "conv 5x5" in blocks[0].name and "max-pool" in blocks[0].name


def test_mlp_first_layer_weights_are_28x28_images_and_maps_match(digit):
    model = trained_a_little("mlp")
    first, second = model[1], model[4]
    images = introspect.input_weights(model)
    assert images.shape == (200, 28, 28)
    np.testing.assert_array_equal(images[17].ravel(), first.weight.detach()[17].numpy())
    assert introspect.conv_filters(model) is None
    blocks = introspect.feature_maps(model, digit)
    assert [b.maps.shape for b in blocks] == [(200, 1, 1), (100, 1, 1)]
    with torch.no_grad():
        h1 = F.relu(first(torch.as_tensor(digit)))
        h2 = F.relu(second(h1))
    np.testing.assert_allclose(blocks[1].maps.ravel(), h2.numpy(), rtol=1e-5, atol=1e-6)
    hidden = introspect.last_hidden(model, np.stack([digit, -digit]))
    assert hidden.shape == (2, 100)
    np.testing.assert_allclose(hidden[0], h2.numpy(), rtol=1e-5, atol=1e-6)


def test_saliency_of_a_linear_model_is_its_weight_row_times_the_input(digit):
    model = trained_a_little("linear")
    weight = model[1].weight.detach().numpy()
    for target in (0, 7):
        np.testing.assert_allclose(
            introspect.saliency(model, digit, target), weight[target] * digit, rtol=1e-5, atol=1e-7
        )


def test_occlusion_drops_where_the_evidence_is(digit):
    model = trained_a_little("linear")
    target = int(np.argmax(model(torch.as_tensor(digit)[None]).detach().numpy()))
    drops = introspect.occlusion(model, digit, target)
    assert drops.shape == (28, 28)
    image = np.asarray(digit, dtype=np.float32).reshape(28, 28)

    def probability(x: np.ndarray) -> float:
        with torch.no_grad():
            return float(torch.softmax(model(torch.as_tensor(x.reshape(1, 784))), 1)[0, target])

    # Each 4x4 square's drop, measured here by blanking it (to the scaled background, -0.5) by hand.
    for r in range(0, 28, 4):
        for c in range(0, 28, 4):
            hidden = image.copy()
            hidden[r : r + 4, c : c + 4] = -0.5
            expected = probability(image) - probability(hidden)
            assert drops[r : r + 4, c : c + 4] == pytest.approx(np.full((4, 4), expected), abs=1e-5), (r, c)
    assert np.abs(drops).max() > 1e-3  # a digit's ink is evidence somewhere


def test_hidden_embedding_is_two_dimensional_and_places_an_input():
    model = trained_a_little("mlp")
    X = (np.random.default_rng(2).random((300, 784)) - 0.5).astype(np.float32)
    pca, coords = introspect.hidden_embedding(model, X)
    assert coords.shape == (300, 2)
    np.testing.assert_allclose(introspect.place(model, pca, X[5]), coords[5], rtol=1e-4, atol=1e-5)


def test_test_proba_of_a_network_is_the_same_in_batches():
    model = trained_a_little("cnn")
    X = (np.random.default_rng(3).random((50, 784)) - 0.5).astype(np.float32)
    whole = diagnostics.test_proba(model, X, batch=50)
    np.testing.assert_allclose(diagnostics.test_proba(model, X, batch=7), whole, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(whole.sum(1), 1, rtol=1e-5)
