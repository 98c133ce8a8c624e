"""Slider release -> redrawn probability map, in real Chromium against `streamlit run`.

    .venv/bin/python -m benchmarks.ui_latency [slider|draw] [--repeats 10]

slider: presses the arrow key on the C slider (a keyboard step is a release) and times until the
caption naming the model's C shows the new value and the map has been painted.
draw: draws a '7' on the canvas and times mouse-up -> predictions painted. Both print the median.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics

from playwright.sync_api import sync_playwright

from benchmarks.browser import C_SLIDER, CHROMIUM, CHROMIUM_ARGS, Server, draw_seven, open_page, wait_idle


def wait_until(condition_js: str) -> str:
    """A page function that resolves, once ``condition_js`` holds and the script has finished, with the
    time two animation frames later (the change is painted)."""
    return f"""(arg) => new Promise(resolve => {{
  const check = () => {{
    const app = document.querySelector('[data-testid=stApp]');
    if (({condition_js}) && app.dataset.testScriptState === 'notRunning') {{
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    }} else {{ setTimeout(check, 2); }}
  }};
  check();
}})"""


# arg = [selector, old text]: the joined texts of the selector's elements differ from the old ones.
WAIT_FOR_NEW_VALUE = wait_until(
    "Array.from(document.querySelectorAll(arg[0])).map(e => e.innerText).join('|') !== arg[1]"
)
# arg = heading text: an h3 with that text is on the page.
WAIT_FOR_TEXT = wait_until(
    "Array.from(document.querySelectorAll('h3')).some(h => h.innerText.trim() === arg)"
)


@contextlib.contextmanager
def dashboard_page(path: str):
    """A fresh `streamlit run` and one Chromium page open at ``path``."""
    server = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_page(page, server.url, path)
            yield page
            browser.close()
    finally:
        server.stop()


def summary(samples: list[float]) -> dict:
    return {"median_ms": round(statistics.median(samples), 1), "samples_ms": [round(s, 1) for s in samples]}


def measure(repeats: int) -> dict:
    samples = []
    with dashboard_page("binary_2d") as page:
        # The caption under the metrics names the model and its C, so it changes on every step.
        caption = "[data-testid=stCaptionContainer]"
        thumb = page.get_by_role(**C_SLIDER)
        for i in range(repeats + 1):
            old = "|".join(page.locator(caption).all_inner_texts())
            thumb.focus()
            start = page.evaluate("performance.now()")
            page.keyboard.press("ArrowLeft" if i % 2 else "ArrowRight")
            end = page.evaluate(WAIT_FOR_NEW_VALUE, [caption, old])
            if i:  # the first press warms the browser's plotly path
                samples.append(end - start)
            wait_idle(page)
    return summary(samples)


def measure_draw(repeats: int) -> dict:
    """End of a stroke (mouse up) -> the predictions on screen, starting from a cleared canvas each time."""
    samples = []
    with dashboard_page("draw") as page:
        canvas = page.locator("canvas.upper-canvas")
        for i in range(repeats + 1):
            draw_seven(page, 3 * (i % 5))
            start = page.evaluate("performance.now()")
            page.mouse.up()
            end = page.evaluate(WAIT_FOR_TEXT, "Predictions")
            if i:
                samples.append(end - start)
            canvas.hover()
            page.get_by_role("button", name="Reset canvas & history").click()  # the toolbar's bin
            page.get_by_text("Draw a digit on the black canvas").wait_for()
            wait_idle(page)
    return summary(samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", choices=["slider", "draw"], default="slider")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps((measure if args.what == "slider" else measure_draw)(args.repeats)))
