"""Widget groups: each ``*_controls()`` returns a frozen dataclass, which is also the cache key."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from mnistlab import binary, data

C_VALUES = [float(f"{c:.4g}") for c in np.logspace(-4, 4, 17)]


def format_C(c: float) -> str:
    return f"{c:.0e}".replace("e+0", "e").replace("e-0", "e-") if c < 0.01 or c > 100 else f"{c:g}"


@dataclass(frozen=True)
class PairChoice:
    pair: tuple[int, int] = data.DEFAULT_PAIR


def pair_controls(names, key: str = "pair") -> PairChoice:
    c1, c2 = st.columns(2)
    first = c1.selectbox("Class 0", range(10), index=7, key=f"{key}-a", format_func=lambda k: names[k])
    second = c2.selectbox("Class 1", range(10), index=9, key=f"{key}-b", format_func=lambda k: names[k])
    if first == second:
        st.warning("Pick two different classes; showing the default 7 vs 9.")
        return PairChoice()
    return PairChoice((int(first), int(second)))


FAMILIES = {"logistic": "Logistic regression", "poly": "Polynomial logistic regression", "mlp": "MLP (one hidden layer)"}


def model_controls(key: str = "model") -> binary.ModelChoice:
    family = st.radio("Model", list(FAMILIES), format_func=FAMILIES.get, key=f"{key}-family", horizontal=True)
    if family in ("logistic", "poly"):
        C = st.select_slider("C (inverse regularisation, log scale)", C_VALUES, value=1.0, key=f"{key}-C",
                             format_func=format_C, help="Small C: strong regularisation, smoother boundary.")
        degree = st.slider("Polynomial degree", 1, 6, 3, key=f"{key}-degree") if family == "poly" else 3
        return binary.ModelChoice(family=family, C=C, degree=degree)
    c1, c2 = st.columns(2)
    hidden = c1.slider("Hidden units", 1, 100, 20, key=f"{key}-hidden")
    activation = c2.radio("Activation", ["relu", "tanh"], key=f"{key}-activation", horizontal=True)
    alpha = st.select_slider("alpha (L2 penalty, log scale)", [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0],
                             value=1e-4, key=f"{key}-alpha", format_func=format_C)
    max_iter = st.select_slider("max_iter", [100, 200, 500, 1000, 2000, 4000], value=2000, key=f"{key}-max_iter")
    return binary.ModelChoice(family="mlp", hidden=hidden, activation=activation, alpha=alpha, max_iter=max_iter)
