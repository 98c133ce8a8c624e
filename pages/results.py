"""Results: every model of this session in one table, exports for slides, and the notebook's numbers."""

import streamlit as st

from mnistlab import results
from mnistlab.course import notebook, reproduction
from mnistlab.ui import charts, identity, results_log, saved_runs, shared, sidebar
from mnistlab.views import figures

settings = sidebar.settings()
st.title("Results of this session")
sidebar.explain(
    "Every model fitted or trained in this session, on any page, newest first; pin the rows the lesson "
    "is about to keep them at the top. Sort by clicking a column; export the table for a spreadsheet "
    "(CSV) or a slide (Markdown)."
)
rows = results_log.rows()
if not rows:
    st.info(
        "Nothing yet: move a knob on the binary 2-D playground, run a benchmark or train a network, and it "
        "appears here."
    )
else:
    results_log.pin_controls()
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "pinned": st.column_config.CheckboxColumn("pinned", width="small"),
            "training size": st.column_config.NumberColumn(format="localized"),
        },
        column_order=results_log.PRESENTER_COLUMNS if settings.presenter else None,
    )
    scored = [r for r in rows if r["test error (%)"] is not None]
    charts.plotly(
        st,
        figures.bars_figure(
            [f"{r['page']}: {r['model']}" for r in scored],
            [r["test error (%)"] for r in scored],
            "test error (%)",
            "Test error of every model (lowest highlighted)",
            height=140 + 32 * len(scored),
        ),
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download CSV", results.to_csv(rows), file_name="mnistlab-results.csv", mime="text/csv"
    )
    markdown = results.to_markdown(rows)
    c2.download_button("Download Markdown", markdown, file_name="mnistlab-results.md", mime="text/markdown")
    with st.expander("Markdown table (copy into slides)"):
        st.code(markdown, language="markdown")

identity.name_form()
saved_runs.manage()

st.header("The course notebook's printed results, reproduced")
reproduced = reproduction.load_saved()
if st.button("Recompute the 2-D models now (about a minute)", key="reproduce-2d"):
    with st.spinner("5-fold CV over the notebook's grids for logistic, polynomial and MLP models..."):
        reproduced |= shared.reproduce_binary2d(settings.dataset)
if reproduced:
    comparison = results.notebook_comparison(
        reproduced, notebook.NOTEBOOK_PRINTED, notebook.NOTEBOOK_DIFFERENCES
    )
    st.dataframe(
        results.blank_missing(comparison),
        hide_index=True,
        column_config={"why": st.column_config.TextColumn(width="large")},
    )
    st.caption(
        "'notebook printed' is blank where the notebook withheld its output; 'why' explains each "
        "difference (computed, not guessed). The full set, benchmarks "
        "included, comes from `python -m mnistlab reproduce --json` (saved where this page finds it)."
    )
else:
    st.caption("Run `python -m mnistlab reproduce --json` once (or press the button) to fill this table.")
