"""Every plotly chart goes through here, so presenter mode enlarges it in full runs and fragment
reruns alike (the scale is read from the session, not from a value set earlier in the run)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from mnistlab.ui import keys

PRESENTER_SCALE = 1.35


def scale() -> float:
    return PRESENTER_SCALE if st.session_state.get(keys.PRESENTER, False) else 1.0


def plotly(where, figure: go.Figure, **kwargs):
    """``where.plotly_chart(figure)``, enlarged for a projector in presenter mode."""
    factor = scale()
    if factor != 1.0:
        figure = go.Figure(figure)  # a copy: the figure may be shared by every student (ui/shared.py)
        layout = figure.layout
        figure.update_layout(height=int((layout.height or 450) * factor),
                             font=dict(size=round((layout.font.size or 15) * factor)))
    kwargs.setdefault("config", {"displaylogo": False})
    return where.plotly_chart(figure, **kwargs)
