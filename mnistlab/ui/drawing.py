"""The draw page's canvas, and the ink of its drawing square."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistlab.data import mnist_style
from mnistlab.ui import sidebar
from mnistlab.views import canvas


def canvas_ink() -> np.ndarray | None:
    """Instructions, then the canvas; the ink drawn in its black square, None while that is blank."""
    # Above the canvas: the toolbar, shown on hover, rises over this caption (not over the tabs).
    if not sidebar.presenter():  # on the projector the teacher says it
        st.caption(
            "Draw with the mouse in the black square. Hover the canvas for its tools: undo, redo, clear."
        )
    from streamlit_drawable_canvas import st_canvas  # needs a running Streamlit, so imported here

    drawn = st_canvas(
        stroke_width=18,
        stroke_color="#FFFFFF",
        background_image=canvas.background_png(),
        height=canvas.HEIGHT,
        width=canvas.SQUARE,
        drawing_mode="freedraw",
        return_image_data=True,
        key="canvas",
    )
    if drawn.image_data is None:
        return None
    ink = mnist_style.ink_from_rgba(canvas.square_of(drawn.image_data))
    return ink if ink.max() > mnist_style.INK_THRESHOLD else None
