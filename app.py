"""mnistlab dashboard: router and shared sidebar. No compute here."""

from pathlib import Path

import streamlit as st

from mnistlab import navigation
from mnistlab.ui import classroom, identity, internals, provision, replica, sidebar, url_state

# A local icon: a font or emoji icon is fetched from a CDN, which a class network may not reach.
ICON = Path(__file__).parent / "assets" / "icon.png"
st.set_page_config(page_title="mnistlab", page_icon=str(ICON), layout="wide")

url = url_state.url_values()
settings = sidebar.sidebar()
provision.require_dataset(settings.dataset)
replica.lost_session_notice()
identity.sidebar_identity()

PAGES = [st.Page(p.file, title=p.title, icon=p.icon, default=p.default) for p in navigation.PAGES]
asked = internals.requested_page_name()
page = st.navigation(PAGES)
if asked and asked not in {p.url_path for p in PAGES}:
    st.warning(f"There is no page called `{asked}`; here is the {page.title}. Every page is in the sidebar.")
classroom.follow(page.url_path)  # a joined student's page follows the teacher; nothing otherwise
page.run()
url_state.report_ignored(url, url_state.drawn())
