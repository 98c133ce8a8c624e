"""Fashion-MNIST's mistake captions in real Chromium: the gallery the mistakes page draws (its caption
format and pictures per row), as plotly lays it out on a 1280x720 projector in presenter mode and on a
1366x768 laptop. Long class names ("T-shirt/top", "Ankle boot") ran into their neighbours."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest
import streamlit as st

from mnistlab.data import datasets
from mnistlab.ui import keys, mistakes
from mnistlab.views import learning
from tests.projected import projected

pytestmark = pytest.mark.e2e

# Each caption's box, and how many pairs of captions overlap by more than a pixel.
OVERLAPS = """() => {
  const b = [...document.querySelectorAll('.annotation-text')].map(e => e.getBoundingClientRect());
  let pairs = 0;
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
    const a = b[i], c = b[j];
    if (a.left < c.right - 1 && c.left < a.right - 1 && a.top < c.bottom - 1 && c.top < a.bottom - 1) pairs++;
  }
  return {captions: b.length, pairs};
}"""


@pytest.mark.parametrize(
    "mode, column_px, window",
    # The main column's width: a 1280 px projector beside the open 360 px sidebar; a 1366 px laptop's.
    [("presenter", 780, (1280, 720)), ("normal", 1000, (1366, 768))],
)
def test_fashion_mistake_captions_do_not_run_into_each_other(browser, monkeypatch, mode, column_px, window):
    names = datasets.FASHION.class_names
    # The longest names next to each other, as in a real gallery of a weak model's mistakes.
    pairs = [(t, p) for t in range(10) for p in range(10) if t != p]
    pairs.sort(key=lambda tp: -len(names[tp[0]]) - len(names[tp[1]]))
    captions = [mistakes._caption(names, t, p, 0.97) for t, p in pairs[:24]]
    images = np.full((24, 28, 28), 128, dtype=np.uint8)
    monkeypatch.setattr(st, "session_state", {keys.PRESENTER: mode == "presenter"})  # for _per_row
    figure = learning.gallery_figure(images, captions, per_row=mistakes._per_row(), title="mistakes")
    shown = projected(monkeypatch, figure, presenter=mode == "presenter")
    html = pio.to_html(shown, include_plotlyjs=True, full_html=True)
    html = html.replace("<body>", f"<body style='margin:0'><div style='width:{column_px}px'>", 1)
    context = browser.new_context(viewport={"width": window[0], "height": window[1]})
    try:
        page = context.new_page()
        page.set_content(html)
        page.wait_for_selector(".annotation-text")
        found = page.evaluate(OVERLAPS)
    finally:
        context.close()
    assert found == {"captions": 24, "pairs": 0}
