"""Presenter mode on a 1280x720 projector, in real Chromium: sizes survive a knob move, the key numbers
stay the largest text, the map and its numbers fit without scrolling, the map keeps its proportions.

Screenshots (before and after a knob move) go to test-artifacts/ for a person to judge.
"""

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.browser import ARTIFACTS, C_SLIDER, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e

SIZES = """() => {
  const px = e => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const value = document.querySelector('[data-testid=stMetricValue]');
  const values = '[data-testid=stMetricValue], [data-testid=stMetricValue] p';
  const label = document.querySelector('[data-testid=stMetricLabel]');
  const map = document.querySelector('.st-key-map .main-svg');
  const tick = document.querySelector('.st-key-map .xtick text');
  const box = map.getBoundingClientRect();
  return {value: px(value.querySelector('p') || value), label: px(label.querySelector('p') || label),
          valueTop: value.getBoundingClientRect().top, valueBottom: value.getBoundingClientRect().bottom,
          valueCut: [...document.querySelectorAll(values)]
            .some(e => e.scrollWidth > e.clientWidth + 1),
          mapHeight: box.height, mapBottom: box.bottom,
          tick: tick ? parseFloat(tick.style.fontSize) : null};
}"""

TICK_GREW = "t => parseFloat(document.querySelector('.st-key-map .xtick text').style.fontSize) > t"

CAPTION_CHANGED = (
    "old => document.querySelector('[data-testid=stMain] [data-testid=stCaptionContainer]').innerText !== old"
)

# One unit of principal component 1 and of component 2, in screen pixels, and the points' marker sizes.
GEOMETRY = """() => {
  const gd = document.querySelector('.st-key-map .js-plotly-plot');
  const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  const sizes = gd._fullData.filter(t => t.type === 'scattergl').map(t => t.marker.size);
  return {xUnit: x._length / (x.range[1] - x.range[0]), yUnit: y._length / (y.range[1] - y.range[0]),
          markerSizes: sizes, images: gd._fullLayout.images.length};
}"""

CUT_LABELS = """() => {
  const bar = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();
  return [...document.querySelectorAll('[data-testid=stSidebarNavLink] span')]
    .filter(s => s.innerText.length > 2 && (s.getBoundingClientRect().right > bar.right + 1
                                             || s.scrollWidth > s.clientWidth + 1))
    .map(s => s.innerText);
}"""


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    yield pg
    context.close()


def test_presenter_mode_on_the_2d_page_fits_a_projector_and_survives_a_knob_move(server, projector):
    pg = projector
    open_page(pg, server.url, "binary_2d")
    pg.get_by_text("The three families compared").wait_for()
    pg.locator(".st-key-map .main-svg").first.wait_for()  # plotly draws the map after the script ends
    wait_idle(pg)
    normal = pg.evaluate(SIZES)

    pg.get_by_text("Presenter mode").click()
    pg.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '21px'")
    # The chart's text grows with this same run, not at some later redraw.
    pg.wait_for_function(TICK_GREW, arg=normal["tick"])
    wait_idle(pg)
    before = pg.evaluate(SIZES)
    pg.screenshot(path=str(ARTIFACTS / "presenter-binary_2d-before-knob.png"))

    assert before["value"] >= normal["value"], (normal, before)  # the key numbers do not shrink
    assert before["value"] >= 1.5 * before["label"], before  # and stay well above their labels
    in_view = before["valueTop"] >= 0 and max(before["valueBottom"], before["mapBottom"]) <= 720
    assert in_view, before
    assert not before["valueCut"], before
    assert pg.evaluate(CUT_LABELS) == []
    geometry = pg.evaluate(GEOMETRY)
    assert geometry["xUnit"] == pytest.approx(geometry["yUnit"], rel=0.02), geometry  # not stretched
    # The points are markers of a readable size, not dots baked into the picture.
    assert len(geometry["markerSizes"]) == 2 and min(geometry["markerSizes"]) >= 6, geometry

    caption = pg.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first.inner_text()
    pg.get_by_role(**C_SLIDER).focus()
    pg.keyboard.press("ArrowRight")
    pg.wait_for_function(CAPTION_CHANGED, arg=caption)
    wait_idle(pg)
    after = pg.evaluate(SIZES)
    pg.screenshot(path=str(ARTIFACTS / "presenter-binary_2d-after-knob.png"))
    for size in ("value", "label", "mapHeight", "tick"):
        assert after[size] == before[size], (size, before, after)
    assert exceptions(pg) == []


def test_pages_fetch_nothing_beyond_the_server(server, page):
    """A class network may be offline: the page icon came from a font CDN and every page logged an error."""
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((server.url, "data:", "blob:")) else None,
    )
    for path in ("", "binary_2d", "draw"):
        open_page(page, server.url, path)
    icon = page.evaluate("() => document.querySelector('link[rel*=icon]').href")
    assert icon.startswith(("data:", server.url)), icon
    assert outside == []


# Every text a projector must show whole: dropdown values (an <input>: it cannot wrap), chips, labels
# cut with an ellipsis (metric labels, widget labels), the sidebar's page names; and the dropdowns' and
# chips' type as large as the labels' body text.
CUT_OR_SMALL = """() => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const root = px(document.documentElement);
  const cut = e => e.scrollWidth > e.clientWidth + 1;
  const inputs = [...document.querySelectorAll('[data-testid=stSelectbox] input')];
  const chips = [...document.querySelectorAll('[data-testid=stMultiSelect] span')]
    .filter(s => s.children.length === 0 && s.innerText.trim());
  const ellipsed = [...document.querySelectorAll('.stMarkdownEllipsis')];
  return {
    cut: [...inputs.filter(cut).map(i => `${i.value} ${i.scrollWidth}/${i.clientWidth}`),
          ...chips.filter(cut).map(s => s.innerText), ...ellipsed.filter(cut).map(e => e.innerText)],
    small: [...inputs.filter(i => i.value && px(i) < root).map(i => i.value),
            ...chips.filter(s => px(s) < root).map(s => s.innerText)],
    inputs: inputs.length, chips: chips.length,
  };
}"""


def test_presenter_mode_cuts_no_dropdown_chip_or_label_at_1280x720(server, projector):
    pg = projector
    for path in ("training", "multiclass", "binary_2d"):
        open_page(pg, server.url, f"{path}?presenter=true")
        pg.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '21px'")
        # Idle can be read before the run has started: wait for the page's dropdowns to be drawn.
        pg.locator("[data-testid=stSelectbox] input").first.wait_for()
        wait_idle(pg)
        with contextlib.suppress(PlaywrightTimeout):  # the sidebar may still be sliding to its width
            pg.wait_for_function(
                f"() => {{ const f = ({CUT_OR_SMALL})(); return !f.cut.length; }}", timeout=5000
            )
        found = pg.evaluate(CUT_OR_SMALL)
        pg.screenshot(path=str(ARTIFACTS / f"presenter-{path}-1280.png"))
        assert found["cut"] == [] and found["small"] == [], (path, found)
        assert pg.evaluate(CUT_LABELS) == [], path
        assert exceptions(pg) == []
    assert found["inputs"] >= 1  # the dataset dropdown at least: the check saw something
