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
    entries: Sequence[BoardEntry],
    font_px: int = 20,
    keep: Mapping[str, str] | None = None,
    names: bool = True,
) -> str:
    """One row per task: the best test error, who (``names`` False: "a student", for the projector), with
    which model, and a link that opens the setting."""
    if not entries:
        return "<p>No results on the board yet.</p>"
    # A fixed layout in the column's width: a 40-character name without spaces widened the table past a
    # 1280 px projector's edge and cut the link column. Names break anywhere, an error never wraps.
    cell = "padding:0.15em 0.4em 0.15em 0;vertical-align:top"
    rows = "".join(
        f"<tr><td style='{cell}'>{html.escape(TASKS.get(e.task, e.task))}</td>"
        f"<td style='{cell};text-align:right;white-space:nowrap'><b>{e.test_error_pct:.2f} %</b></td>"
        f"<td style='{cell};overflow-wrap:anywhere'>{html.escape(who(e, names))}</td>"
        f"<td style='{cell};overflow-wrap:anywhere'>{html.escape(e.model)}</td>"
        f"<td style='{cell}'><a href='{html.escape(setting_link(e, keep), quote=True)}' target='_self'>"
        "open this setting</a></td></tr>"
        for e in entries
    )
    widths = ("30%", "17%", "18%", "18%", "17%")
    cols = "".join(f"<col style='width:{w}'>" for w in widths)
    head = "".join(
        f"<th style='text-align:left;{cell}'>{h}</th>" for h in ("task", "test error", "who", "model", "")
    )
    return (
        f"<table style='font-size:{font_px}px;border-collapse:collapse;width:100%;table-layout:fixed' "
        f"class='class-board'><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def who(entry: BoardEntry, names: bool) -> str:
    return entry.display_name if names else "a student"


def spread_figure(
    results: Mapping[str, Sequence[BoardEntry]], height: int = 420, names: bool = True
) -> go.Figure:
    """Each student's best result per task as a dot (test error); the best of each task highlighted."""
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
                    f"{html.escape(who(e, names))}: {e.test_error_pct:.2f} % ({html.escape(e.model)}), "
                    f"run {e.run_id}"
                    for e in entries
                ],
                hoverinfo="text",
                showlegend=False,
            )
        )
        # Beside its point, not under it: below, it was drawn over the task's name on the axis.
        fig.add_annotation(x=title, y=best, text=f"best {best:.2f} %", showarrow=True, ax=55, ay=-18)
    fig.update_yaxes(title="test error (%), each task on its own test split", rangemode="tozero")
    return figures.style(fig, "The class's results", height=height)
