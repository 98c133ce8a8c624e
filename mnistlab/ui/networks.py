"""The networks a student can predict with and explain: those trained on the training page (its run
records), those uploaded as weights, and those saved in the store; read by the drawing page, its "Why
this answer" and the mistakes page, so each offers the same ones."""

from __future__ import annotations

import streamlit as st
from torch import nn

from mnistlab import navigation
from mnistlab.models import weights
from mnistlab.ui import keys, results_log, saved_runs, shared


def trained_label(record) -> str:
    # The session's run number: a network changes when trained again, and a label keys cached predictions.
    return f"run {record.run}: {record.model}, {record.test_error_pct:.2f} % test error"


def trained(dataset: str) -> dict[str, tuple[nn.Module, float]]:
    """This session's trained networks on ``dataset``, newest last: label -> (CPU network, test error %)."""
    return {
        trained_label(r): (r.network, r.test_error_pct)
        for r in results_log.records(navigation.TRAINING.path, dataset)
        if r.network is not None and r.test_error_pct is not None
    }


def uploaded() -> dict[str, tuple[nn.Module, float]]:
    return st.session_state.setdefault(keys.UPLOADED_NETWORKS, {})


def add_uploaded(name: str, network: nn.Module, error: float) -> None:
    uploaded()[f"uploaded {name}, {error:.2f} % test error"] = (network.eval(), error)


def session_networks(dataset: str) -> dict[str, tuple[nn.Module, float]]:
    """Every network of this student for ``dataset``: trained here, uploaded, saved in the store."""
    return trained(dataset) | uploaded() | saved_runs.torch_models(dataset)


def with_default(dataset: str) -> dict[str, nn.Module]:
    """The default MLP (once its first training is done) and every network of this student."""
    found = {label: model for label, (model, _) in session_networks(dataset).items()}
    if not weights.default_model_path(dataset).exists():  # still training (provision.py)
        return found
    default, error = shared.default_model(dataset)
    return {f"default MLP ({error:.2f} % test error)": default, **found}
