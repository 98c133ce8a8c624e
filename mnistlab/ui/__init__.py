"""The one Streamlit boundary: cache wrappers, the shared sidebar and widget groups."""
