"""A drawing (or photo) of a digit -> the 28x28 image a model trained on MNIST expects.

MNIST itself was made this way: each digit size-normalised to fit a 20x20 box keeping its aspect
ratio (anti-aliased), then placed in a 28x28 frame so that its centre of mass is at the centre.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

BOX, FRAME = 20, 28
MAX_UPLOAD_PIXELS = 4096 * 4096
# MNIST's stroke width in its 28x28 images (stroke_width() over the first 2,000, ink >= 128): median
# 2.7 pixels, upper quartile 3.1.
MNIST_STROKE, MNIST_STROKE_MAX = 2.7, 3.1
# Thinned to this before scaling: the Lanczos resize widens a stroke by about half a pixel (measured on
# pen drawings of 1, 4 and 7: thinned to 2.2, they come out 2.9-3.2 pixels wide, MNIST's upper quartile).
THIN_TO = 2.2
INK_THRESHOLD = 0.02  # below this fraction of full ink, a pixel is background
CENTRE = 14.0  # where MNIST's centres of mass lie (row, column; measured: 14.0 +- 0.3)


class BadImage(ValueError):
    """An upload that is not an image we can read; the message says why."""


@dataclass(frozen=True)
class Preprocessed:
    ink: np.ndarray = field(repr=False)  # the input as ink 0..1 (white digit on black)
    cropped: np.ndarray = field(repr=False)  # bounding box of the ink
    boxed: np.ndarray = field(repr=False)  # fitted into 20x20, aspect kept, anti-aliased
    image: np.ndarray = field(repr=False)  # (28, 28) uint8, centred by centre of mass
    shift: tuple[int, int]


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """Canvas RGBA (light strokes on a dark or transparent background) -> ink in [0, 1]."""
    rgba = np.asarray(rgba, dtype=np.float32)
    luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255
    return luminance * (rgba[..., 3] / 255 if rgba.shape[-1] == 4 else 1)


def ink_from_upload(raw: bytes) -> np.ndarray:
    """A PNG/JPEG photo or scan -> ink in [0, 1]; dark-on-light pictures are inverted."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.width * probe.height > MAX_UPLOAD_PIXELS:
                raise BadImage(
                    f"The image is {probe.width}x{probe.height} pixels; at most 4096x4096 is accepted."
                )
            if probe.format not in ("PNG", "JPEG"):
                raise BadImage(
                    f"{probe.format or 'This'} files are not accepted: upload a PNG or JPEG image."
                )
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            grey = np.asarray(image.convert("L"), dtype=np.float32) / 255
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BadImage("This file is not a readable PNG or JPEG image.") from exc
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 1 - grey if border.mean() > 0.5 else grey


MIN_UPLOAD_SIDE = 8  # pixels: below this an upload holds no readable shape


def why_unreadable(ink: np.ndarray, item: str = "digit") -> str | None:
    """Why an upload cannot be read as a drawing (None when it can): too small, or no ink in it."""
    h, w = np.shape(ink)[:2]
    if min(h, w) < MIN_UPLOAD_SIDE:
        return (
            f"The upload is {w}x{h} pixels: too small to hold a {item} (at least "
            f"{MIN_UPLOAD_SIDE}x{MIN_UPLOAD_SIDE}; MNIST's are 28x28). Nothing is predicted."
        )
    if preprocess(ink) is None:
        return f"No {item} found in the upload: it is one flat shade, with no strokes. Nothing is predicted."
    return None


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def stroke_width(ink: np.ndarray) -> float:
    """Typical stroke width in pixels: a bar w pixels wide has a mean distance to its edge of (w + 2) / 4."""
    mask = np.pad(ink > 0.5, 1)  # a crop's ink touches its edges: outside it is background
    return 4 * float(ndimage.distance_transform_edt(mask)[mask].mean()) - 2 if mask.any() else 0.0


def thin_to_mnist_strokes(cropped: np.ndarray) -> np.ndarray:
    """Strokes thinned so that, once the drawing fills the 20x20 box, they are as wide as MNIST's.

    A pen of fixed width makes a small drawing's strokes thick for its size: scaled up to 20 pixels, a
    short 1 became a blob read as an 8. Peeling the strokes keeps their middle lines, and the drawing's
    shape, at MNIST's proportions.
    """
    width = stroke_width(cropped)
    scale = BOX / max(cropped.shape)
    if width * scale <= MNIST_STROKE_MAX:
        return cropped
    peel = (width - THIN_TO / scale) / 2
    distance = ndimage.distance_transform_edt(np.pad(cropped > 0.5, 1))[1:-1, 1:-1]
    thinned = np.clip(distance - peel, 0, 1).astype(np.float32)
    rows, cols = np.flatnonzero(thinned.any(axis=1)), np.flatnonzero(thinned.any(axis=0))
    return thinned[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def preprocess(ink: np.ndarray) -> Preprocessed | None:
    """None for a blank input; otherwise every step of MNIST's own normalisation."""
    ink = np.clip(np.asarray(ink, dtype=np.float32), 0, 1)
    if ink.size == 0 or ink.max() < INK_THRESHOLD:
        return None
    rows = np.flatnonzero((ink > INK_THRESHOLD * ink.max()).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD * ink.max()).any(axis=0))
    cropped = thin_to_mnist_strokes(ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] / ink.max())
    h, w = cropped.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    boxed = np.asarray(Image.fromarray(cropped).resize(size, Image.Resampling.LANCZOS), dtype=np.float32)
    boxed = np.clip(boxed, 0, 1)
    if boxed.sum() <= 0:  # a speck that vanished when scaled: keep it as one pixel
        boxed = np.ones((1, 1), dtype=np.float32)
    frame = np.zeros((FRAME, FRAME), dtype=np.float32)
    top, left = (FRAME - boxed.shape[0]) // 2, (FRAME - boxed.shape[1]) // 2
    frame[top : top + boxed.shape[0], left : left + boxed.shape[1]] = boxed
    com_r, com_c = centre_of_mass(frame)
    # Shift so the centre of mass lands where MNIST's do, keeping all ink inside the frame.
    dr = int(np.clip(round(CENTRE - com_r), -top, FRAME - top - boxed.shape[0]))
    dc = int(np.clip(round(CENTRE - com_c), -left, FRAME - left - boxed.shape[1]))
    image = np.roll(frame, (dr, dc), axis=(0, 1))
    return Preprocessed(ink, cropped, boxed, np.rint(image * 255).astype(np.uint8), (dr, dc))


def embed(
    digit: np.ndarray, canvas: int = 280, scale: float = 1.0, offset: tuple[int, int] = (0, 0)
) -> np.ndarray:
    """A 28x28 MNIST digit drawn into a larger canvas (ink 0..1): rescaled and moved, for tests and demos."""
    size = max(2, round(28 * scale))
    big = (
        np.asarray(
            Image.fromarray(np.asarray(digit, dtype=np.uint8)).resize(
                (size, size), Image.Resampling.BILINEAR
            ),
            dtype=np.float32,
        )
        / 255
    )
    out = np.zeros((canvas, canvas), dtype=np.float32)
    r, c = (canvas - size) // 2 + offset[0], (canvas - size) // 2 + offset[1]
    out[r : r + size, c : c + size] = big
    return out
