"""mnistlab dashboard: router and shared sidebar. No compute here."""

import streamlit as st

from mnistlab.ui import shell

st.set_page_config(page_title="mnistlab", page_icon=":material/draw:", layout="wide")

settings = shell.sidebar()
shell.require_dataset(settings.dataset)

PAGES = [
    st.Page("pages/home.py", title="Overview", icon=":material/home:", default=True),
]
st.navigation(PAGES).run()
