"""The draw page in real Chromium: the latest input wins; a small drawing in a corner is read right."""

import numpy as np
import pytest
from PIL import Image

from benchmarks.browser import ARTIFACTS, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e

DEFAULT_PREDICTION = """() => {
  const line = [...document.querySelectorAll('div, span, p')].map(e => e.innerText || '')
    .find(t => t.startsWith('default MLP') && t.includes(':') && t.length < 200);
  return line ? line.split(':')[1].trim()[0] : null;
}"""


def default_prediction(page, digit: int) -> None:
    page.wait_for_function(f"() => ({DEFAULT_PREDICTION})() === '{digit}'", timeout=60_000)


def stroke(page, points) -> None:
    """One mouse stroke through ``points`` (pixels from the canvas's top left corner)."""
    box = page.locator("canvas.upper-canvas").bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=12)
    page.mouse.up()


def test_a_drawing_made_after_an_upload_is_the_one_predicted(server, page, mnist, tmp_path):
    seven = mnist.X[60000:][mnist.y[60000:] == 7][0].reshape(28, 28)
    picture = tmp_path / "seven.png"
    Image.fromarray(np.kron(seven, np.ones((10, 10), dtype=np.uint8))).save(picture)
    open_page(page, server.url, "draw")
    page.get_by_role("tab", name="Upload an image").click()
    page.locator("input[type=file]").set_input_files(str(picture))
    default_prediction(page, 7)
    assert page.get_by_text("Predicting from the upload seven.png").count() == 1

    page.get_by_role("tab", name="Draw").click()
    stroke(page, [(140, 40), (140, 240)])  # a 1
    default_prediction(page, 1)
    wait_idle(page)
    assert page.get_by_text("Predicting from your drawing").count() == 1
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "draw-after-upload.png"))


def test_a_small_seven_in_a_corner_is_read_as_a_seven(server, page):
    # With the same thick pen, a small drawing scaled up to MNIST's 20x20 box used to become a blob.
    open_page(page, server.url, "draw")
    page.get_by_text("Draw a digit on the black canvas").wait_for()
    stroke(page, [(20, 200), (80, 200), (42, 260)])
    default_prediction(page, 7)
    assert exceptions(page) == []


@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_a_stroke_started_in_the_top_right_of_the_black_square_registers(server, page, presenter):
    # The canvas's toolbar is invisible until hovered and lies over the top right of the canvas's box
    # (1.9rem deep: 30 px, 40 px in presenter mode): a stroke started there from outside was lost.
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, server.url, "draw?presenter=true" if presenter else "draw")
    canvas = page.locator("canvas.upper-canvas")  # presenter mode shows no instructions to wait for
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    top = box["height"] - box["width"]  # the black square is the canvas's bottom square
    right = box["width"] - 14
    stroke(page, [(right, top + 4), (right, top + 250)])  # a 1, straight in from outside the canvas
    default_prediction(page, 1)
    assert exceptions(page) == []
