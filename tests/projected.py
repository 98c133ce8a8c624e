"""A figure as charts.plotly hands it to Streamlit, in presenter mode or not: the page's target stands
aside, the figure is kept for the test to read."""

import plotly.graph_objects as go
import streamlit as st

from mnistlab.ui import charts, keys


def projected(monkeypatch, figure: go.Figure, presenter: bool = True, **options) -> go.Figure:
    shown = {}

    class Where:
        def plotly_chart(self, figure, **_):
            shown["figure"] = figure

        def markdown(self, *_, **__):  # the chart's text alternative
            pass

    monkeypatch.setattr(st, "session_state", {keys.PRESENTER: presenter})
    charts.plotly(Where(), figure, **options)
    return shown["figure"]
