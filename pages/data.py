"""Data explorer: the PCA scatter, explained variance, reconstructions, mean images."""

import numpy as np
import streamlit as st

from mnistlab.data import explore, pca
from mnistlab.ui import charts, recipe, shared, sidebar, url_state, widgets
from mnistlab.views import figures, mosaics

settings = sidebar.settings()
ds = recipe.dataset(settings.dataset)
names = ds.class_names
train = recipe.split(settings.dataset)

st.title("Data and principal components")

st.header("The first two principal components")
c1, c2 = st.columns([2, 1])
with c1:
    scope = st.radio(
        "Images",
        ["binary", "all"],
        horizontal=True,
        key="scatter-scope",
        format_func={"binary": "a binary problem (notebook ex. 2.1)", "all": "all ten classes (ex. 3.1)"}.get,
    )
with c2:
    counts = [1000, 2000, 5000, 10000, 20000, 60000]
    n_points = widgets.stepped(
        st,
        "Points drawn",
        counts,
        value=5000,
        format_func=widgets.thousands,
        **url_state.bound("scatter-n", widgets.thousands, counts),
    )
if scope == "binary":
    pair = widgets.pair_controls(names, key="scatter-pair").pair
    problem = recipe.pair_2d(settings.dataset, pair)
    coords, labels = problem.X_train, np.array(pair)[problem.y_train]
    ids = np.flatnonzero(np.isin(train.y_train, pair))
else:
    coords, labels, ids = (
        shared.ten_classes_2d(settings.dataset),
        train.y_train,
        np.arange(len(train.y_train)),
    )
pick = np.random.default_rng(0).permutation(len(labels))[:n_points]
event = charts.plotly(
    st,
    figures.pca_scatter_figure(
        coords[pick],
        labels[pick],
        names,
        ids[pick],
        f"{len(pick):,} of {len(labels):,} training images; PCA fitted on the training split",
    ),
    on_select="rerun",
    selection_mode=("lasso", "box", "points"),
    key="scatter",
)
selected = np.array(
    [p["customdata"] for p in event.selection.points if p.get("customdata") is not None], dtype=int
)
if len(selected):
    chosen = explore.selection_sample(selected, train.y_train[selected])
    images = train.X_train[chosen].reshape(1, -1, 28, 28)
    what = (
        f"All {len(chosen)} selected images"
        if len(chosen) == len(selected)
        else f"{len(chosen)} of the {len(selected):,} selected images, each class in proportion"
    )
    charts.plotly(
        st,
        figures.image_grid_figure(
            mosaics.mosaic(images),
            [""],
            title=what,
            height=200,
            col_labels=[names[train.y_train[i]] for i in chosen],
        ),
    )
else:
    st.caption(
        "Hover a point to see its class and image number; draw a lasso or box around points to see "
        "their images here."
    )

st.header("Explained variance (exercise 3.1)")
full = shared.full_pca(settings.dataset)
reach = pca.components_reaching(full.explained_variance_ratio_)
n_show = widgets.stepped(st, "Components shown", range(20, 785, 10), True, value=100, key="variance-n")
cols = st.columns(len(reach))
for col, (target, count) in zip(cols, reach.items(), strict=True):
    col.metric(f"{target:.0%} of the variance", f"{count} components")
charts.plotly(st, figures.explained_variance_figure(full.explained_variance_ratio_, reach, n_show))
st.caption("PCA of all 60,000 scaled training images (784 pixels each).")

st.header("Reconstruction from k components")
c1, c2, c3 = st.columns(3)
label = c1.selectbox("Class", range(10), format_func=lambda k: names[k], key="recon-class")
of_class = np.flatnonzero(train.y_train == label)
nth = c2.number_input(
    f"Which image of this class (0-{len(of_class) - 1})", 0, len(of_class) - 1, 0, key="recon-nth"
)
k = widgets.stepped(c3, "k components", range(1, 785), True, value=50, key="recon-k")
x = recipe.ten_classes(settings.dataset).X_train[of_class[nth]]
ks = sorted({1, 5, 10, 20, 50, 100, 300, k})
recon = np.stack([x] + [pca.reconstruct(full, x, kk)[0] for kk in ks]).reshape(1, -1, 28, 28)
charts.plotly(
    st,
    figures.image_grid_figure(
        mosaics.mosaic(recon, fill=-0.5),
        [""],
        height=230,
        zrange=(-0.5, 0.5),
        col_labels=["original"] + [f"k={kk}" for kk in ks],
        title=f"Training image #{of_class[nth]} ({names[label]}) rebuilt from k numbers",
    ),
)

st.header("Mean image of each class")
means = shared.overview(settings.dataset)["means"]
charts.plotly(st, figures.image_grid_figure(mosaics.mosaic(means[None]), [""], col_labels=names, height=230))
