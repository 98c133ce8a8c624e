"""Overview: what the dashboard is for, and the dataset at a glance."""

import streamlit as st

from mnistlab.ui import charts, recipe, shared, sidebar

settings = sidebar.settings()
ds = recipe.dataset(settings.dataset)
summary = shared.overview(settings.dataset)
names = ds.class_names

st.title("mnistlab")
st.markdown(
    f"An interactive lab for classifiers on {ds.spec.items}. Move a slider and watch decision "
    "boundaries, error rates and loss curves change; every number is computed live on the same "
    "data and with the same recipe as the course notebook."
)

c1, c2, c3 = st.columns(3)
c1.metric("Images", f"{len(ds.y):,}", help="All images, 28x28 pixels = 784 features each")
c2.metric(
    "Training split", f"{int(summary['train_counts'].sum()):,}", help="train_test_split, random_state=0"
)
c3.metric("Test split", f"{int(summary['test_counts'].sum()):,}")
st.caption(f"Data source: {ds.source}. Loaded in {ds.load_s:.2f} s.")

left, right = st.columns(2)
counts, samples, means = shared.overview_figures(settings.dataset)
charts.plotly(left, counts, main=True, title_chars=30)
charts.plotly(right, samples, main=True, title_chars=30)
charts.plotly(st, means)
