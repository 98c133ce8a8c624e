"""mnistlab dashboard: router and shared sidebar. No compute here."""

from pathlib import Path

import streamlit as st

from mnistlab.ui import identity, internals, provision, replica, sidebar, url_state

# A local icon: a font or emoji icon is fetched from a CDN, which a class network may not reach.
ICON = Path(__file__).parent / "assets" / "icon.png"
st.set_page_config(page_title="mnistlab", page_icon=str(ICON), layout="wide")

url = url_state.url_values()
settings = sidebar.sidebar()
provision.require_dataset(settings.dataset)
replica.lost_session_notice()
identity.sidebar_identity()

PAGES = [
    st.Page("pages/home.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/data.py", title="Data and PCA", icon=":material/scatter_plot:"),
    st.Page("pages/binary_2d.py", title="Binary 2-D playground", icon=":material/tune:"),
    st.Page("pages/binary_784.py", title="Binary, 784 pixels", icon=":material/grid_on:"),
    st.Page("pages/multiclass.py", title="Ten classes: k-NN and MLP", icon=":material/speed:"),
    st.Page("pages/training.py", title="Train with PyTorch", icon=":material/model_training:"),
    st.Page("pages/draw.py", title="Draw", icon=":material/draw:"),
    st.Page("pages/mistakes.py", title="Where it goes wrong", icon=":material/error:"),
    st.Page("pages/robustness.py", title="Fool it, trust it", icon=":material/shield:"),
    st.Page("pages/results.py", title="Results", icon=":material/table_chart:"),
    st.Page("pages/class_board.py", title="Class board", icon=":material/leaderboard:"),
]
asked = internals.requested_page_name()
page = st.navigation(PAGES)
if asked and asked not in {p.url_path for p in PAGES}:
    st.warning(f"There is no page called `{asked}`; here is the {page.title}. Every page is in the sidebar.")
page.run()
url_state.report_ignored(url, url_state.drawn())
