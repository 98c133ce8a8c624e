"""The class board drawn from the store's entries: an HTML table of the best per task, the spread plot.

Display names are whatever students typed: every one is HTML-escaped here (the table and the plot's
hover labels, which plotly also reads as HTML), so a name is always shown as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import plotly.graph_objects as go

from mnistlab.store import TASKS, BoardEntry
from mnistlab.views import figures


def setting_link(entry: BoardEntry, keep: Mapping[str, str] | None = None) -> str:
    """The page with the entry's settings in its URL (the pages read their settings from there); ``keep``
    adds parameters the viewer's own link carries, such as their ``me`` token."""
    values = {k: v for k, v in entry.settings.items() if v is not None} | dict(keep or {})
    query = urlencode(values, doseq=True)
    return f"/{entry.page}" + (f"?{query}" if query else "")


def best_table_html(
    entries: Sequence[BoardEntry], font_px: int = 20, keep: Mapping[str, str] | None = None
) -> str:
    """One row per task: the best test error, who, with which model, and a link that opens the setting."""
    if not entries:
        return "<p>No results on the board yet.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(TASKS.get(e.task, e.task))}</td>"
        f"<td style='text-align:right'><b>{e.test_error_pct:.2f} %</b></td>"
        f"<td>{html.escape(e.display_name)}</td><td>{html.escape(e.model)}</td>"
        f"<td><a href='{html.escape(setting_link(e, keep), quote=True)}' target='_self'>"
        "open this setting</a></td></tr>"
        for e in entries
    )
    head = "".join(
        f"<th style='text-align:left'>{h}</th>" for h in ("task", "test error", "who", "model", "")
    )
    return (
        f"<table style='font-size:{font_px}px;border-collapse:collapse;width:100%' class='class-board'>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def spread_figure(results: Mapping[str, Sequence[BoardEntry]], height: int = 420) -> go.Figure:
    """Every visible result per task as a dot (test error); the best of each task highlighted."""
    fig = go.Figure()
    for i, (task, entries) in enumerate(results.items()):
        if not entries:
            continue
        title = TASKS.get(task, task)
        best = min(e.test_error_pct for e in entries)
        fig.add_trace(
            go.Box(
                x=[title] * len(entries),
                y=[e.test_error_pct for e in entries],
                name=title,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker=dict(color=figures.PALETTE[i % len(figures.PALETTE)], size=10),
                line=dict(width=1),
                fillcolor="rgba(0,0,0,0)",
                hovertext=[
                    f"{html.escape(e.display_name)}: {e.test_error_pct:.2f} % ({html.escape(e.model)}), "
                    f"run {e.run_id}"
                    for e in entries
                ],
                hoverinfo="text",
                showlegend=False,
            )
        )
        fig.add_annotation(x=title, y=best, text=f"best {best:.2f} %", showarrow=True, ay=30)
    fig.update_yaxes(title="test error (%), each task on its own test split", rangemode="tozero")
    return figures.style(fig, "The class's results", height=height)
