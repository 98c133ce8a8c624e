"""Slider release -> redrawn probability map, in real Chromium against `streamlit run`.

    .venv/bin/python -m benchmarks.ui_latency [--repeats 10]

Presses the arrow key on the C slider (a keyboard step is a release) and times until the
caption naming the model's C shows the new value and the map has been painted. Prints the median.
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    print(json.dumps(measure(parser.parse_args().repeats)))
