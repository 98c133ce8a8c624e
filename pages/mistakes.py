"""Where it goes wrong: any model of the session on the 10,000 test images."""

import streamlit as st

from mnistlab.ui import keys, mistakes, provision, recipe, sidebar

settings = sidebar.settings()
names = recipe.dataset(settings.dataset).class_names

st.title("Where it goes wrong")
sidebar.explain(
    "Pick a model: the default MLP, any network trained on the training page, the ten-classes "
    "page's MLP or k-NN. See the test images it gets most confidently wrong, open any cell of "
    "its confusion matrix, read its per-class scores, and compare it with another model."
)

provision.default_model_ready(settings.dataset)  # else training as a job, with progress
found = mistakes.candidates(settings.dataset)
label = st.selectbox("Model", list(found), key=keys.widget(keys.MISTAKES, "model"))
try:
    proba = mistakes.test_proba(label, found)
except Exception as exc:  # a model uploaded or trained for another dataset: say so, no stack trace
    st.error(f"This model cannot classify the {settings.dataset} test images ({type(exc).__name__}: {exc}).")
    st.stop()

mistakes.confident_mistakes(settings.dataset, proba, names)
mistakes.confusion_cells(settings.dataset, proba, names, label)
mistakes.class_report(settings.dataset, proba, names)
mistakes.comparison(settings.dataset, found, label, names)
