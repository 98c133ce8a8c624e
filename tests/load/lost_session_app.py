"""A one-line page for the lost-session notice test (the notice without the app's data loading)."""

import streamlit as st

from mnistlab.ui import replica

replica.lost_session_notice()
st.write("a page")
