"""The draw page's canvas, and the ink of its drawing square."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistlab.data import mnist_style
from mnistlab.ui import keys, recipe, sidebar
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


def test_image_ink(name: str, item: str) -> tuple[int | None, np.ndarray | None]:
    """A test image picked by its number: the keyboard's way in besides the canvas and an upload
    (WCAG 2.1.1). Its number (the input's fingerprint) and its ink, or None twice before one is given."""
    split = recipe.split(name)
    last = len(split.y_test) - 1
    index = st.number_input(
        f"Test image number (0-{last:,})",
        min_value=0,
        max_value=last,
        value=None,
        step=1,
        placeholder="a number, e.g. 0",
        key=keys.DRAW_TEST_INDEX,
        help=f"One of the 10,000 test images instead of a {item} drawn or uploaded.",
    )
    if index is None:
        return None, None
    return int(index), split.X_test[int(index)].reshape(28, 28) / 255
