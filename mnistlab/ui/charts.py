"""Every plotly chart goes through here, so presenter mode enlarges it in full runs and fragment
reruns alike (the scale is read from the session, not from a value set earlier in the run)."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import streamlit as st

from mnistlab.ui import keys, screen
from mnistlab.views import captions

PRESENTER_SCALE = 1.35
# A plotly title never wraps: past about this many characters it ran off the chart's right edge (at a
# 1280 px wide projector, in presenter mode's larger type), so it is broken into lines here.
TITLE_CHARS = {False: 96, True: 64}


def scale() -> float:
    return PRESENTER_SCALE if st.session_state.get(keys.PRESENTER, False) else 1.0


# Figures whose title was wrapped, by (id of the original, width): the original is kept with its copy,
# so an id is never reused while its entry lives; bounded.
_WRAPPED: dict[tuple[int, int], tuple[go.Figure, go.Figure]] = {}


def copy_of(figure: go.Figure) -> go.Figure:
    """A copy to change, of a figure that may be shared by every student (ui/shared.py) and read by
    other sessions' threads meanwhile. Not ``go.Figure(figure)``: plotly builds each trace of the copy by
    popping "type" from the original trace's own properties and putting it back after, so a session
    reading that trace in between got ``KeyError: 'type'`` (a replica's first class, 12 students at once).
    Not ``figure.to_dict()`` either: it turns arrays into base64 specs, which the summaries cannot read.
    Each trace's and the layout's own ``to_plotly_json`` is a deep copy that only reads (no figure here
    has frames, and a copy is only restyled, never given traces by subplot)."""
    return go.Figure(
        data=[trace.to_plotly_json() for trace in figure.data], layout=figure.layout.to_plotly_json()
    )


def plotly(
    where,
    figure: go.Figure,
    grow: bool = True,
    main: bool = False,
    title_chars: int | None = None,
    summary: str | None = None,
    **kwargs,
):
    """``where.plotly_chart(figure)``, enlarged for a projector in presenter mode, followed by its text
    alternative for screen readers (WCAG 1.1.1): ``summary``, or one read from the figure itself.

    ``grow=False``: only the text grows; for a chart that must fit a 720 px projector with its numbers.
    ``main``: the page's main figure: in presenter mode it takes most of the window's height, whatever
    the projector (ui/screen.py). ``title_chars``: where its title wraps, for a chart in a narrow column.
    """
    text = summary or captions.chart_summary(figure)
    factor = scale()
    title = figure.layout.title.text or ""
    width = title_chars or TITLE_CHARS[factor != 1.0]
    wrapped = _WRAPPED.get((id(figure), width))
    if factor == 1.0 and wrapped is not None and wrapped[0] is figure:
        figure = wrapped[1]  # wrapped before: a rerun builds no figure (tests/test_figure_reuse.py)
        title = figure.layout.title.text or ""
    original = figure
    if factor != 1.0 or (len(title) > width and "<br>" not in title):
        figure = copy_of(figure)
    if len(title) > width and "<br>" not in title:
        lines = textwrap.wrap(title, width)
        # the plot keeps its size; the chart grows by a title line (22 px was one line less than a
        # projected title needs: its second line ran into a gallery's first row)
        extra = round(30 * factor * (len(lines) - 1))
        figure.update_layout(
            title_text="<br>".join(lines),
            margin_t=(figure.layout.margin.t or 50) + extra,
            height=(figure.layout.height or 450) + extra,
        )
    if factor == 1.0 and figure is not original:
        _WRAPPED[(id(original), width)] = (original, figure)
        while len(_WRAPPED) > 256:
            _WRAPPED.pop(next(iter(_WRAPPED)))
    if factor != 1.0:
        layout = figure.layout
        size = round((layout.font.size or 15) * factor)
        figure.update_layout(
            height=screen.main_height() if main else int((layout.height or 450) * (factor if grow else 1.0)),
            font=dict(size=size),
            legend_font_size=size,
        )
        # Streamlit's chart theme sizes ticks from the page's root font when the chart is drawn, which is
        # before the presenter style applies: ticks stayed small until some later redraw. Sized here, they
        # grow with the same run.
        figure.update_xaxes(tickfont_size=size - 2, title_font_size=size)
        figure.update_yaxes(tickfont_size=size - 2, title_font_size=size)
        for note in figure.layout.annotations:  # a gallery's captions: about 9 px on a projector before
            if note.font.size:
                note.font.size = max(round(note.font.size * factor), size - 4)
        for trace in figure.data:
            if trace.type == "heatmap" and trace.texttemplate:  # a confusion matrix's counts: 6 px before
                trace.update(textfont=dict(size=size - 2))
            if "colorbar" in trace:
                trace.update(colorbar=dict(tickfont=dict(size=size - 2), title=dict(font=dict(size=size))))
    kwargs.setdefault("config", {"displaylogo": False})
    shown = where.plotly_chart(figure, **kwargs)
    where.markdown(captions.screen_reader_html(text), unsafe_allow_html=True)
    return shown
