"""Slider release -> redrawn probability map, in real Chromium against `streamlit run`.

    .venv/bin/python -m benchmarks.ui_latency [slider|draw] [--repeats 10]

slider: presses the arrow key on the C slider (a keyboard step is a release) and times until the
caption naming the model's C shows the new value and the map has been painted.
draw: draws a '7' on the canvas and times mouse-up -> predictions painted. Both print the median.
"""

from __future__ import annotations

import argparse
import json
import statistics

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server, open_page, wait_idle

WAIT_FOR_NEW_VALUE = """([selector, old]) => new Promise(resolve => {
  const check = () => {
    const now = Array.from(document.querySelectorAll(selector)).map(e => e.innerText).join("|");
    if (now !== old &&
        document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning') {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else { setTimeout(check, 2); }
  };
  check();
})"""


def measure(repeats: int) -> dict:
    server = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_page(page, server.url, "binary_2d")
            # The caption under the metrics names the model and its C, so it changes on every step.
            caption = "[data-testid=stCaptionContainer]"
            thumb = page.get_by_role("slider").first
            samples = []
            for i in range(repeats + 1):
                old = "|".join(page.locator(caption).all_inner_texts())
                thumb.focus()
                start = page.evaluate("performance.now()")
                page.keyboard.press("ArrowLeft" if i % 2 else "ArrowRight")
                end = page.evaluate(WAIT_FOR_NEW_VALUE, [caption, old])
                if i:  # the first press warms the browser's plotly path
                    samples.append(end - start)
                wait_idle(page)
            browser.close()
    finally:
        server.stop()
    return {"median_ms": round(statistics.median(samples), 1), "samples_ms": [round(s, 1) for s in samples]}




WAIT_FOR_TEXT = """(text) => new Promise(resolve => {
  const check = () => {
    const found = Array.from(document.querySelectorAll('h3')).some(h => h.innerText.trim() === text);
    if (found && document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning') {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else { setTimeout(check, 2); }
  };
  check();
})"""


def draw_stroke(page, box, variant: int) -> None:
    """A '7' (top bar, then a diagonal), slightly different each time."""
    x0, y0 = box["x"] + 60 + 3 * variant, box["y"] + 50
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 + 14 * i, y0, steps=2)
    for i in range(1, 14):
        page.mouse.move(x0 + 140 - 8 * i, y0 + 14 * i, steps=2)


def measure_draw(repeats: int) -> dict:
    """End of a stroke (mouse up) -> the predictions on screen, starting from a cleared canvas each time."""
    server = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_page(page, server.url, "draw")
            canvas = page.locator("canvas.upper-canvas")
            samples = []
            for i in range(repeats + 1):
                box = canvas.bounding_box()
                draw_stroke(page, box, i % 5)
                start = page.evaluate("performance.now()")
                page.mouse.up()
                end = page.evaluate(WAIT_FOR_TEXT, "Predictions")
                if i:
                    samples.append(end - start)
                canvas.hover()
                page.get_by_role("button", name="Reset canvas & history").click()  # the toolbar's bin
                page.get_by_text("Draw a digit on the black canvas").wait_for()
                wait_idle(page)
            browser.close()
    finally:
        server.stop()
    return {"median_ms": round(statistics.median(samples), 1), "samples_ms": [round(s, 1) for s in samples]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", choices=["slider", "draw"], default="slider")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps((measure if args.what == "slider" else measure_draw)(args.repeats)))
