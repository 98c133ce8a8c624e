"""Can you trust its probabilities? A reliability diagram and ECE for a network of the session on the
10,000 test images, with a temperature slider."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from mnistlab.models import calibration
from mnistlab.ui import charts, keys, recipe
from mnistlab.ui.networks import with_default as offered_networks
from mnistlab.views import calibration as calibration_views

TRUST = "trust"  # this section's knobs: trust-model, trust-temperature
LOGITS = "trust-logits"  # per session: network label -> its test logits


def _test_logits(dataset: str, label: str, net: torch.nn.Module) -> np.ndarray:
    kept: dict = st.session_state.setdefault(LOGITS, {})
    if label not in kept:
        X = recipe.ten_classes(dataset).X_test
        net.eval()
        device = next(net.parameters()).device
        with torch.no_grad():
            kept[label] = np.concatenate(
                [
                    net(torch.tensor(X[s : s + 5000], device=device)).float().cpu().numpy()
                    for s in range(0, len(X), 5000)
                ]
            )
    return kept[label]


def trust_its_probabilities(dataset: str) -> None:
    st.subheader("Can you trust its probabilities?")
    networks = offered_networks(dataset)
    left, right = st.columns([2, 1])
    label = left.selectbox("Network", list(networks), key=keys.widget(TRUST, "model"))
    temperature = right.slider(
        "Temperature (softmax of logits / T)", 0.25, 4.0, 1.0, 0.05, key=keys.widget(TRUST, "temperature")
    )
    logits = _test_logits(dataset, label, networks[label])
    labels = recipe.split(dataset).y_test
    proba = calibration.scaled_proba(logits, temperature)
    bins = calibration.reliability(proba, labels)
    plain = calibration.summary(logits, labels)
    now = calibration.summary(logits, labels, temperature)
    a, b, c = st.columns(3)
    a.metric(
        f"ECE, 15 bins, T = {temperature:g} (test, 10,000)",
        f"{now['ece_pct']:.2f} %",
        f"{now['ece_pct'] - plain['ece_pct']:+.2f} vs T = 1",
        delta_color="inverse",
    )
    b.metric(
        f"NLL (test), T = {temperature:g}",
        f"{now['nll']:.4f}",
        f"{now['nll'] - plain['nll']:+.4f} vs T = 1",
        delta_color="inverse",
    )
    c.metric("Test error (any T)", f"{now['error_pct']:.2f} %")
    charts.plotly(
        st,
        calibration_views.reliability_figure(
            bins, f"{label}: reliability on the 10,000 test images, temperature {temperature:g}"
        ),
    )
    st.caption(
        f"Confidence above 0.93 (the last bin): {calibration_views.share_line(bins)}. A temperature above 1 "
        "softens every probability, below 1 sharpens it; the answers never change, only how sure they "
        "look. The fitted temperature needs images the network was not trained on: `python -m mnistlab "
        "calibration --model mlp` trains on 54,000 training images and fits T on the other 6,000 (never "
        "on the test images); add `--label-smoothing 0.1` to see smoothing's effect (it trains less "
        "confident networks). On the training page, label smoothing is one of the knobs: train with it "
        "and pick that network here."
    )
