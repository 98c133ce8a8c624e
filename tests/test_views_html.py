"""The drawing page's HTML pieces and image layouts: what a student sees, checked by its content."""

import base64
import io
import re

import numpy as np
from PIL import Image

from mnistlab.views import html, mosaics

PALETTE = ("#ff0000", "#00ff00")


def test_probability_bars_highlight_the_predicted_class_and_escape_names():
    names = [f"<{k}>" for k in range(10)]
    proba = np.full(10, 0.05)
    proba[3] = 0.55
    text = html.probability_bars({"model <a>": proba, "other": np.roll(proba, 1)}, names, PALETTE)
    assert "model &lt;a&gt;: <b>&lt;3&gt;</b> (55 %)" in text and "other: <b>&lt;4&gt;</b> (55 %)" in text
    assert "<3>" not in text  # names are escaped
    heights = re.findall(r"height:(\d+)px;background:(#[0-9a-f]+)", text)
    assert len(heights) == 20
    first = heights[:10]
    assert first[3] == ("33", PALETTE[0])  # 60 px * 0.55, in the model's colour
    assert all(h == ("3", "#9aa4b2") for k, h in enumerate(first) if k != 3)
    assert heights[14][1] == PALETTE[1]


def test_image_is_an_inline_png_of_the_same_pixels():
    pixels = np.linspace(0, 1, 28 * 14).reshape(14, 28)
    fragment = html.image(pixels, "a <caption>", height=50)
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', fragment).group(1)
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri))))
    np.testing.assert_array_equal(decoded, np.rint(pixels * 255).astype(np.uint8))
    assert "a &lt;caption&gt;" in fragment and "height:50px" in fragment


def test_mosaic_tile_enlarge_and_strip():
    images = np.arange(5 * 4, dtype=np.float32).reshape(5, 2, 2)
    grid = mosaics.tile(images, per_row=3)
    assert grid.shape == (2, 3, 2, 2) and not grid[1, 2].any()  # the last row padded with a blank tile
    laid = mosaics.mosaic(grid, gap=1, fill=-1)
    assert laid.shape == (2 * 3 - 1, 3 * 3 - 1)
    np.testing.assert_array_equal(laid[0:2, 3:5], images[1])
    assert laid[2, 0] == -1 and laid[0, 2] == -1  # the gaps
    big = mosaics.enlarge(np.eye(2), 7)
    np.testing.assert_array_equal(big, np.kron(np.eye(2), np.ones((3, 3))))
    cells = mosaics.strip([np.ones((28, 28)), np.ones((200, 100))], size=56, gap=4, fill=0.5)
    assert cells.shape == (56, 116)
    assert cells[:, :56].min() == 1  # 28x28 doubled fills its cell
    right = cells[:, 60:]
    assert right[:, :14].max() == 0.5 and right[:, 14:42].min() > 0.99  # 200x100 shrunk to 56x28, centred
