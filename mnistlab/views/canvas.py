"""The draw page's canvas: a black drawing square under a grey strip left to the canvas's toolbar.

streamlit-drawable-canvas keeps its toolbar (undo, redo, clear) inside the canvas's own box, in a shadow
root that page CSS cannot reach: invisible until hovered, it sits over the top right of the canvas
(``top: -1rem``, 2.9rem tall, so it reaches 1.9rem down) and takes the pointer there, so a stroke
started under it was lost. The canvas is made taller by a strip the toolbar may cover; the strip is
painted grey in the background picture, and its rows are cut off before prediction: the model sees only
the black square, and a stroke that strays into the strip is ignored.
"""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SQUARE = 280  # the drawing square, in canvas pixels
# The toolbar reaches 1.9rem into the canvas: 30 px at the browser's 16 px type, 40 px at presenter
# mode's 21 px. The strip covers both, with a few pixels to spare.
STRIP = 44
HEIGHT = STRIP + SQUARE
STRIP_GREY, LABEL_GREY = (200, 200, 200), (80, 80, 80)


@functools.cache
def background_png() -> bytes:
    """The canvas's background: the grey strip, labelled where the toolbar shows, over the black square."""
    picture = Image.new("RGB", (SQUARE, HEIGHT), STRIP_GREY)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, STRIP, SQUARE - 1, HEIGHT - 1), fill=(0, 0, 0))
    font = ImageFont.load_default(size=13)
    draw.text((8, STRIP / 2), "draw in the black square", fill=LABEL_GREY, font=font, anchor="lm")
    draw.text((SQUARE - 8, STRIP / 2), "tools", fill=LABEL_GREY, font=font, anchor="rm")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def square_of(rgba: np.ndarray) -> np.ndarray:
    """The drawing square's rows of the canvas's picture: the strip above it is cut off.

    In proportion, should the canvas ever send its picture at another scale than its CSS pixels.
    """
    rgba = np.asarray(rgba)
    return rgba[round(rgba.shape[0] * STRIP / HEIGHT) :]
