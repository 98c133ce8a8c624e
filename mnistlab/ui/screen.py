"""The projector's size, as the browser reports it, so presenter mode can give a page's main figure
most of the screen: a plotly figure has a height in pixels, and 60 % of a 720 px projector is not
60 % of a 1080 px one.

A small component (Streamlit's components v2: inline JavaScript in the page, no build) reports the
window's inner size once and again when it changes; only presenter mode mounts it, so a student's
page costs nothing more.
"""

from __future__ import annotations

import streamlit as st

VIEWPORT_KEY = "screen-viewport"  # the component's own state
HEIGHT_KEY = "screen-height"  # the last height reported, for fragment reruns
ASSUMED_HEIGHT = 720  # a projector's height until the browser says (the smallest one we serve)
MAIN_SHARE = 0.61  # of the window's height, for a page's main figure (the rest: title and key numbers)

_JS = """
export default function(component) {
  const { setStateValue } = component;
  let last = 0;
  const report = () => {
    const h = window.innerHeight;
    if (Math.abs(h - last) > 8) { last = h; setStateValue('size', {height: h, width: window.innerWidth}); }
  };
  report();
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(report, 300); };
  window.addEventListener('resize', later);
  return () => window.removeEventListener('resize', later);
}
"""

_viewport = st.components.v2.component("mnistlab_viewport", js=_JS)


def watch() -> None:
    """Mount the reporter (presenter mode only); keeps the last height for fragment reruns."""
    result = _viewport(key=VIEWPORT_KEY, on_size_change=lambda: None)
    size = getattr(result, "size", None)
    if (
        isinstance(size, dict)
        and isinstance(size.get("height"), int | float)
        and 200 <= size["height"] <= 4000
    ):
        st.session_state[HEIGHT_KEY] = int(size["height"])


def main_height(share: float = MAIN_SHARE) -> int:
    """Pixels for a page's main figure in presenter mode: a share of the window's height."""
    return int(share * st.session_state.get(HEIGHT_KEY, ASSUMED_HEIGHT))
