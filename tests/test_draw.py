"""Preprocessing invariants, bad inputs, and accuracy on MNIST digits moved around a big canvas."""

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from mnistlab.data import mnist_style


def stroke_canvas(size=280):
    ink = np.zeros((size, size), dtype=np.float32)
    ink[60:200, 120:140] = 1.0  # a thick vertical bar (a "1")
    ink[60:80, 90:140] = 1.0
    return ink


@pytest.fixture(scope="module")
def mnist_centre(mnist) -> np.ndarray:
    """Where real MNIST digits have their centre of mass (row, column), measured here with SciPy on the
    first 2,000 images: the target a drawing is moved to, found without the module's constant."""
    centres = [ndimage.center_of_mass(image.reshape(28, 28).astype(float)) for image in mnist.X[:2000]]
    return np.mean(centres, axis=0)


def assert_centred(image: np.ndarray, mnist_centre: np.ndarray) -> None:
    """Within the half pixel a whole-pixel shift can miss by (and a little for the measured target):
    a centre one pixel off fails."""
    r, c = ndimage.center_of_mass(image.astype(float))  # SciPy's, not mnist_style.centre_of_mass
    assert abs(r - mnist_centre[0]) <= 0.6 and abs(c - mnist_centre[1]) <= 0.6, ((r, c), mnist_centre)


def test_invariants_of_a_drawing(mnist_centre):
    out = mnist_style.preprocess(stroke_canvas())
    assert out.image.shape == (28, 28) and out.image.dtype == np.uint8
    assert max(out.boxed.shape) == 20 and out.boxed.shape[0] <= 20 and out.boxed.shape[1] <= 20
    rows = np.flatnonzero(out.image.any(axis=1))
    cols = np.flatnonzero(out.image.any(axis=0))
    assert rows[-1] - rows[0] + 1 <= 20 and cols[-1] - cols[0] + 1 <= 20  # ink within a 20x20 box
    assert_centred(out.image, mnist_centre)


def test_blank_and_tiny_inputs(mnist_centre):
    assert mnist_style.preprocess(np.zeros((280, 280))) is None
    assert mnist_style.preprocess(np.zeros((0, 0))) is None
    dot = np.zeros((280, 280))
    dot[5, 270] = 1.0  # one pixel in a corner
    out = mnist_style.preprocess(dot)
    assert out is not None and out.image.shape == (28, 28) and out.image.max() > 0
    assert_centred(out.image, mnist_centre)  # a dot ends up in the middle, wherever drawn
    border = np.zeros((280, 280))
    border[:, :8] = 1.0  # a stroke along the left border
    out = mnist_style.preprocess(border)
    assert out.image.shape == (28, 28) and out.image.max() == 255
    # A thin tall stroke keeps its shape: 20 rows high, a column or two wide, centred.
    rows = np.flatnonzero(out.image.any(axis=1))
    cols = np.flatnonzero(out.image.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20 and cols[-1] - cols[0] + 1 <= 2
    assert_centred(out.image, mnist_centre)


def test_canvas_rgba_and_uploads():
    rgba = np.zeros((50, 50, 4), dtype=np.uint8)
    rgba[10:40, 20:25] = [255, 255, 255, 255]
    ink = mnist_style.ink_from_rgba(rgba)
    assert ink.max() == pytest.approx(1.0) and ink[0, 0] == 0
    dark_on_light = Image.fromarray(np.where(ink > 0.5, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    dark_on_light.save(buffer, format="PNG")
    np.testing.assert_allclose(mnist_style.ink_from_upload(buffer.getvalue()), (ink > 0.5).astype(float))
    with pytest.raises(mnist_style.BadImage, match="PNG or JPEG"):
        mnist_style.ink_from_upload(b"%PDF-1.4 not an image")
    gif = io.BytesIO()
    dark_on_light.save(gif, format="GIF")
    with pytest.raises(mnist_style.BadImage, match="GIF"):
        mnist_style.ink_from_upload(gif.getvalue())
    huge = io.BytesIO()
    Image.new("L", (5000, 4000)).save(huge, format="PNG")
    with pytest.raises(mnist_style.BadImage, match="4096"):
        mnist_style.ink_from_upload(huge.getvalue())


def test_moved_and_rescaled_test_digits_keep_the_default_models_accuracy(mnist, mnist_split):
    """MNIST test digits drawn small or large anywhere on a 280x280 canvas, then preprocessed, are
    classified about as well as the originals (within 2 points)."""
    from mnistlab.data import problems
    from mnistlab.models import inference, weights

    # This run's cache starts without a default model: the first one trains it, as on a first start.
    scaler = problems.fit_scaler(mnist_split.X_train)
    scaled = problems.scale(mnist_split, dtype=np.float32)
    model, _ = weights.default_model("mnist", scaled)
    rng = np.random.default_rng(0)
    X, y = mnist_split.X_test[:300], mnist_split.y_test[:300]
    original = [inference.predict_one(model, inference.model_input(x, scaler)).label for x in X]
    moved = []
    for x in X:
        scale = rng.uniform(3, 8)
        room = int((280 - 28 * scale) // 2)
        offset = tuple(int(v) for v in rng.integers(-room, room + 1, 2))
        out = mnist_style.preprocess(mnist_style.embed(x.reshape(28, 28), 280, scale, offset))
        moved.append(inference.predict_one(model, inference.model_input(out.image, scaler)).label)
    acc_original, acc_moved = np.mean(np.array(original) == y), np.mean(np.array(moved) == y)
    assert acc_original > 0.95
    assert acc_moved >= acc_original - 0.02, (acc_original, acc_moved)


SMALL_DIGITS = {  # pen strokes on a 0..1 square (x right, y down), drawn 60 pixels tall
    1: [[(0.5, 0.0), (0.5, 1.0)]],
    7: [[(0.1, 0.0), (0.9, 0.0), (0.35, 1.0)]],
    4: [[(0.55, 0.0), (0.1, 0.65), (0.9, 0.65)], [(0.7, 0.3), (0.7, 1.0)]],
}


def pen_drawing(strokes, corner: tuple[int, int], size: int = 60, pen: int = 18) -> np.ndarray:
    """As the canvas draws them: round 18-pixel pen strokes on a black 280x280 canvas."""
    from PIL import ImageDraw

    canvas = Image.new("L", (280, 280), 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        points = [(corner[0] + x * size, corner[1] + y * size) for x, y in stroke]
        draw.line(points, fill=255, width=pen, joint="curve")
        for x, y in points:
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    return np.asarray(canvas, dtype=np.float32) / 255


@pytest.mark.parametrize("corner", [(12, 12), (200, 12), (12, 200), (200, 200), (110, 110)])
def test_small_drawings_keep_mnist_stroke_proportions_and_are_read_right(mnist, mnist_split, corner):
    """A short thick stroke scaled up to the 20x20 box became a blob (a small 1 was read as an 8)."""
    from mnistlab.data import problems
    from mnistlab.models import inference, weights

    scaler = problems.fit_scaler(mnist_split.X_train)
    model, _ = weights.default_model("mnist", problems.scale(mnist_split, dtype=np.float32))
    for digit, strokes in SMALL_DIGITS.items():
        out = mnist_style.preprocess(pen_drawing(strokes, corner))
        assert mnist_style.stroke_width(out.image / 255) <= mnist_style.MNIST_STROKE_MAX + 0.5, digit
        predicted = inference.predict_one(model, inference.model_input(out.image, scaler)).label
        assert predicted == digit, (digit, corner, predicted)


def canvas_picture(square_ink: np.ndarray, strip_ink: np.ndarray) -> np.ndarray:
    """RGBA as the canvas sends it: white strokes on a transparent picture, strip rows above the square."""
    from mnistlab.views import canvas

    ink = np.concatenate([strip_ink, square_ink])
    assert ink.shape == (canvas.HEIGHT, canvas.SQUARE)
    alpha = np.rint(ink * 255).astype(np.uint8)
    return np.stack([np.full_like(alpha, 255)] * 3 + [alpha], axis=-1)


def test_the_toolbar_strip_is_cut_off_before_prediction():
    from mnistlab.views import canvas

    scribble = np.zeros((canvas.STRIP, canvas.SQUARE), dtype=np.float32)
    scribble[10:30, 150:270] = 1.0  # a stroke that strayed into the strip, under the toolbar
    blank = np.zeros((canvas.SQUARE, canvas.SQUARE), dtype=np.float32)
    square = mnist_style.ink_from_rgba(canvas.square_of(canvas_picture(blank, scribble)))
    assert square.shape == (canvas.SQUARE, canvas.SQUARE) and square.max() == 0
    one = pen_drawing(SMALL_DIGITS[1], (110, 0), size=200)  # touches the square's top edge
    picture = canvas_picture(one, scribble)
    seen = mnist_style.preprocess(mnist_style.ink_from_rgba(canvas.square_of(picture)))
    np.testing.assert_array_equal(seen.image, mnist_style.preprocess(one).image)


def test_the_canvas_background_is_a_grey_strip_over_a_black_square():
    from mnistlab.views import canvas

    picture = np.asarray(Image.open(io.BytesIO(canvas.background_png())).convert("RGB"))
    assert picture.shape == (canvas.HEIGHT, canvas.SQUARE, 3)
    assert (picture[canvas.STRIP :] == 0).all()
    strip = picture[: canvas.STRIP]
    assert (strip[0] == canvas.STRIP_GREY).all() and (strip == canvas.STRIP_GREY).all(axis=-1).mean() > 0.8
    # It covers the toolbar's reach into the canvas: 1.9rem at presenter mode's 21 px type.
    assert canvas.STRIP >= 1.9 * 21
