"""Overview: what the dashboard is for, and the dataset at a glance."""

import streamlit as st

from mnistlab.ui import charts, recipe, shared, sidebar
from mnistlab.views import figures, mosaics

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
c2.metric("Training split", f"{int(summary['train_counts'].sum()):,}", help="train_test_split, random_state=0")
c3.metric("Test split", f"{int(summary['test_counts'].sum()):,}")
st.caption(f"Data source: {ds.source}. Loaded in {ds.load_s:.2f} s.")

left, right = st.columns(2)
charts.plotly(left, figures.class_counts_figure(summary["train_counts"], summary["test_counts"], names, height=600))
samples = summary["samples"]
charts.plotly(right, figures.image_grid_figure(
    mosaics.mosaic(samples), names, title=f"Random training images, {samples.shape[1]} per class", height=600))
charts.plotly(st, figures.image_grid_figure(
    mosaics.mosaic(summary["means"][None]), [""], col_labels=names, height=230,
    title="Mean training image of each class"))
