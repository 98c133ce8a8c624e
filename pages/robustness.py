"""Fool it, trust it: how far the session's networks can be pushed by an adversarial attack."""

import streamlit as st

from mnistlab.ui import adversarial, sidebar, trust

settings = sidebar.settings()

st.title("Fool it, trust it")
sidebar.explain(
    "How much must the pixels change before a network answers wrongly? Attack the session's networks "
    "and compare their accuracy with the published references. On the draw page, make your own digit "
    "wrong."
)

adversarial.accuracy_vs_eps(settings.dataset)
trust.trust_its_probabilities(settings.dataset)
