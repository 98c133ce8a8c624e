"""The probability map's background as one PNG: far lighter for the browser than a heatmap.

Measured in Chromium here: a heatmap trace redraws in ~400 ms after a slider step, the same picture as
one image under a contour line in ~210 ms. The points are not baked in: drawn as markers they stay
round and crisp at any width (baked in and stretched, they became dashes on a wide projector).
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.colors
from PIL import Image

# How far the map's colours are faded toward white, so the points on top stand out.
MAP_TINT = 0.45


def two_class_scale(colours: tuple[str, str], tint: float = MAP_TINT) -> list[list]:
    """A plotly colour scale from class 0's colour through white to class 1's, faded by ``tint``.

    The same faded scale serves the picture and its colour bar, so the bar reads as the map looks.
    """
    faded = [
        plotly.colors.find_intermediate_color((255.0, 255.0, 255.0), plotly.colors.hex_to_rgb(c), tint)
        for c in colours
    ]
    rgb = [f"rgb({r:.0f}, {g:.0f}, {b:.0f})" for r, g, b in faded]
    return [[0.0, rgb[0]], [0.5, "rgb(255, 255, 255)"], [1.0, rgb[1]]]


def colour_lut(colorscale) -> np.ndarray:
    """(256, 3) uint8 lookup table sampled from a plotly colour scale (a name or a list)."""
    samples = plotly.colors.sample_colorscale(colorscale, np.linspace(0, 1, 256).tolist(), colortype="tuple")
    return np.rint(np.array(samples) * (255 if max(map(max, samples)) <= 1 else 1)).astype(np.uint8)


def probability_image(p: np.ndarray, colorscale) -> Image.Image:
    """P on a (ny, nx) grid (row 0 = lowest y) as an RGB image (row 0 = top)."""
    lut = colour_lut(colorscale)
    return Image.fromarray(lut[np.clip(np.rint(p * 255), 0, 255).astype(np.intp)][::-1], "RGB")


def to_data_uri(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
