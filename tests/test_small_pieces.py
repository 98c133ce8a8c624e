"""Small pieces the larger tests pass by: unknown networks, PCA coordinates, devices."""

import re

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from mnistlab.data import pca
from mnistlab.models import devices, nets


def test_an_unknown_network_is_refused_with_the_choices():
    choices = re.escape(str(sorted(nets.MODELS)))  # every network the page offers, named
    with pytest.raises(ValueError, match=rf"unknown model 'vgg'; choose from {choices}"):
        nets.build("vgg")


@pytest.mark.parametrize("name", list(nets.MODELS))
def test_every_network_maps_784_pixels_to_10_scores(name):
    assert nets.build(name)(torch.zeros(3, 784)).shape == (3, 10)


def test_projection_is_sklearns_transform():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 12)) @ rng.normal(size=(12, 12))
    ours = pca.fit_full_pca(X)
    reference = PCA().fit(X).transform(X[:5])[:, :3]
    # Components are defined up to sign: compare each coordinate's magnitude and the sign pattern per axis.
    projected = pca.project(ours, X[:5], 3)
    np.testing.assert_allclose(np.abs(projected), np.abs(reference), atol=1e-8)
    signs = np.sign(projected[0] * reference[0])
    np.testing.assert_allclose(projected * signs, reference, atol=1e-8)


def test_an_unknown_device_is_refused_by_name():
    with pytest.raises(devices.DeviceUnavailable, match="Cannot train on tpu: unknown device 'tpu'"):
        devices.resolve_device("tpu")


def test_a_long_chart_title_is_broken_into_lines_that_fit(monkeypatch):
    """A plotly title never wraps: in presenter mode at 1280 px it ran off the chart."""
    import plotly.graph_objects as go

    from mnistlab.ui import charts
    from tests.projected import projected

    title = "24 wrong test images, most confident first: true -> predicted (probability given)"
    figure = go.Figure(layout=dict(title_text=title, height=300, margin=dict(t=50)))
    shown = {"figure": projected(monkeypatch, figure)}
    lines = shown["figure"].layout.title.text.split("<br>")
    assert len(lines) == 2 and max(map(len, lines)) <= charts.TITLE_CHARS[True]
    assert shown["figure"].layout.margin.t > 50 and figure.layout.title.text == title  # the original kept
