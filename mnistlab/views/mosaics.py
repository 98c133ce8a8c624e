"""Images laid out for showing: tiles in a grid, enlarged pixels, a strip of cells."""

from __future__ import annotations

import numpy as np


def mosaic(images: np.ndarray, gap: int = 2, fill: float = 0) -> np.ndarray:
    """Tile a (rows, cols, h, w) stack into one 2-D image with ``gap`` pixels between tiles."""
    rows, cols, h, w = images.shape
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), fill, dtype=np.float32)
    for r in range(rows):
        for c in range(cols):
            out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = images[r, c]
    return out


def tile(images: np.ndarray, per_row: int) -> np.ndarray:
    """(n, 28, 28) -> (rows, per_row, 28, 28), padding the last row with blank tiles."""
    per_row = max(1, min(per_row, len(images)))
    rows = -(-len(images) // per_row)
    padded = np.zeros((rows * per_row, *images.shape[1:]), dtype=images.dtype)
    padded[: len(images)] = images
    return padded.reshape(rows, per_row, *images.shape[1:])


def enlarge(image: np.ndarray, size: int) -> np.ndarray:
    """Nearest-neighbour enlargement of a small 2-D image to about ``size`` pixels on its longer side,
    so pixels stay visible as squares."""
    factor = max(1, size // max(image.shape))
    return np.kron(image, np.ones((factor, factor), dtype=image.dtype))


def strip(images: list[np.ndarray], size: int = 112, gap: int = 8, fill: float = 1.0) -> np.ndarray:
    """Images side by side, each enlarged and centred in a size x size cell (values 0..1)."""
    from PIL import Image

    out = np.full((size, len(images) * (size + gap) - gap), fill, dtype=np.float32)
    for i, image in enumerate(images):
        if max(image.shape) > size:  # shrink to fit, keeping the aspect ratio
            factor = size / max(image.shape)
            shape = (max(1, round(image.shape[1] * factor)), max(1, round(image.shape[0] * factor)))
            big = np.asarray(
                Image.fromarray(image.astype(np.float32)).resize(shape, Image.Resampling.BILINEAR)
            )
        else:
            big = enlarge(image, size)
        top, left = (size - big.shape[0]) // 2, i * (size + gap) + (size - big.shape[1]) // 2
        out[top : top + big.shape[0], left : left + big.shape[1]] = big
    return out
