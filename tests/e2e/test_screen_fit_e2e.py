"""What fits on one screen, in real Chromium: a 1366x768 laptop (the knob and what it changes), and a
projector in presenter mode at 1280x720 and 1920x1080 (each page's main figure takes at least 60 % of
the window's height, keeps its proportions and fits the first screen with its key numbers, before and
after a knob move). Also what a browser remembers (a reload keeps the student) and a link to a page
that does not exist. One server, one browser, the pages in turn; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time

import pytest

from benchmarks.browser import ARTIFACTS, C_SLIDER, Server, exceptions, open_page, wait_idle
from tests.e2e.conftest import require_browser

pytestmark = pytest.mark.e2e

# The box of a page's main figure (the first match of its selector) and of its key numbers.
BOXES = """sel => {
  const box = e => { if (!e) return null; const b = e.getBoundingClientRect();
                     return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, height: b.height,
                             width: b.width}; };
  const main = document.querySelector('[data-testid=stMainBlockContainer]');
  const values = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stMetricValue]')]
    .slice(0, 3);
  return {figure: box(document.querySelector(sel)), main: box(main),
          numbers: values.map(box), wide: document.documentElement.scrollWidth > innerWidth + 1};
}"""

# One unit of each axis in screen pixels: equal on the map, which must not be stretched.
MAP_UNITS = """() => {
  const gd = document.querySelector('.st-key-map .js-plotly-plot');
  const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  return [x._length / (x.range[1] - x.range[0]), y._length / (y.range[1] - y.range[0])];
}"""

# The ten-classes page's confusion matrix, found by its title (wrapped onto lines on a projector) and
# marked for BOXES; returns how many predicted classes its axis names.
CONFUSION_TICKS = """() => {
  const plot = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')]
    .find(p => /NN on .*training images/.test(p.querySelector('.gtitle')?.textContent || ''));
  if (!plot) return null;
  plot.querySelector('.main-svg').dataset.fit = 'confusion';
  return plot.querySelectorAll('.xtick text').length;
}"""

MAP = ".st-key-map .main-svg"
BOARD = "table.class-board"
CONFUSION = "[data-fit=confusion]"


def go(pg, path: str) -> None:
    """To a page by the sidebar's link, so the session (and presenter mode) stays."""
    pg.locator(f"[data-testid=stSidebarNavLink][href$='/{path}']").first.click()
    pg.wait_for_timeout(500)
    wait_idle(pg, 240_000)


def window(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(240_000)
    return context, pg


def in_view(box: dict, height: int) -> bool:
    return box is not None and box["top"] >= 0 and box["bottom"] <= height + 1


@pytest.fixture(scope="module")
def server(mnist):
    """This module's own server: nothing here needs the default model, so it does not wait for it."""
    require_browser()
    srv = Server()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def board_entries(server):
    """A board with a 40-character name without spaces: it widened the table past the screen's edge."""
    from mnistlab.store import NewRun, RunStore

    store = RunStore()
    for i, (name, task, error) in enumerate(
        [("Ada", "binary_2d", 25.53), ("x" * 40, "ten_classes", 2.71), ("Grace", "cnn", 0.77)]
    ):
        token = f"screen-fit-token-{i:02d}-abcdef"
        store.set_name(token, name)
        page = {"ten_classes": "multiclass", "cnn": "training"}.get(task, task)
        store.save_run(
            token,
            name,
            NewRun(
                page=page, task=task, model="MLP (200, 100)", settings={}, metrics={"test_error_pct": error}
            ),
        )
    yield
    store.close()


def test_a_laptop_shows_the_knob_and_the_map_on_one_screen(server, browser):
    context, pg = window(browser, 1366, 768)
    open_page(pg, server.url, "binary_2d")
    pg.locator(MAP).first.wait_for()
    wait_idle(pg)
    boxes = pg.evaluate(BOXES, MAP)
    pg.screenshot(path=str(ARTIFACTS / "fit-1366x768-binary_2d.png"))
    slider = pg.get_by_role(**C_SLIDER).bounding_box()
    # Before: the map's top at 510 px, 258 of its 560 px on the screen.
    assert in_view(boxes["figure"], 768), boxes
    assert slider is not None and slider["y"] + slider["height"] <= 768, slider
    assert all(in_view(b, 768) for b in boxes["numbers"]), boxes
    go(pg, "training")
    train = pg.get_by_role("button", name="Train", exact=True).bounding_box()
    pg.screenshot(path=str(ARTIFACTS / "fit-1366x768-training.png"))
    assert train is not None and train["y"] + train["height"] <= 768 - 60, train  # room for its queue line
    assert exceptions(pg) == []
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_presenter_mode_gives_each_main_figure_most_of_the_screen(
    server, browser, board_entries, width, height
):
    context, pg = window(browser, width, height)
    open_page(pg, server.url, "binary_2d")
    pg.get_by_text("Presenter mode").click()
    pg.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '21px'")
    wait_idle(pg)
    pg.wait_for_function(
        f"h => document.querySelector('{MAP}')?.getBoundingClientRect().height >= h", arg=0.6 * height
    )
    wait_idle(pg)
    shots = ARTIFACTS / "screen-fit"
    shots.mkdir(exist_ok=True)
    before = pg.evaluate(BOXES, MAP)
    pg.screenshot(path=str(shots / f"{width}x{height}-presenter-binary_2d.png"))
    units = pg.evaluate(MAP_UNITS)
    pg.get_by_role(**C_SLIDER).focus()
    pg.keyboard.press("ArrowRight")
    pg.wait_for_timeout(500)
    wait_idle(pg)
    after = pg.evaluate(BOXES, MAP)
    pg.screenshot(path=str(shots / f"{width}x{height}-presenter-binary_2d-after-knob.png"))
    for boxes in (before, after):
        assert boxes["figure"]["height"] >= 0.6 * height, boxes  # before: 36 % (1280x720), 26 % (1920x1080)
        assert in_view(boxes["figure"], height), boxes
        assert all(in_view(b, height) for b in boxes["numbers"]), boxes
    assert after["figure"]["height"] == before["figure"]["height"]
    assert units[0] == pytest.approx(units[1], rel=0.02), units  # one unit is as long on both axes

    go(pg, "multiclass")
    assert pg.evaluate(CONFUSION_TICKS) == 10  # every predicted class named
    confusion = pg.evaluate(BOXES, CONFUSION)
    pg.screenshot(path=str(shots / f"{width}x{height}-presenter-multiclass.png"))
    assert confusion["figure"]["height"] >= 0.6 * height, confusion  # before: 416 px wide, cells 22x62 px
    assert in_view(confusion["figure"], height), confusion  # on the first screen (it started below the fold)

    go(pg, "class_board")
    pg.locator(BOARD).wait_for()
    board = pg.evaluate(BOXES, BOARD)
    pg.screenshot(path=str(shots / f"{width}x{height}-presenter-class_board.png"))
    # Before: 877 px wide in a 710 px column, its link column cut at the screen's edge.
    assert board["figure"]["right"] <= board["main"]["right"] + 1 and not board["wide"], board
    assert pg.get_by_text("open this setting").first.bounding_box()["x"] < width
    assert exceptions(pg) == []
    context.close()


def test_a_reload_keeps_the_student_until_they_ask_to_be_forgotten(server, browser):
    context, pg = window(browser, 1366, 768)
    open_page(pg, server.url, "results")
    pg.get_by_label("Your name on the class board", exact=True).fill("Reload Tester")
    pg.get_by_role("button", name="Start").click()
    pg.get_by_text("Signed in as").wait_for()
    wait_idle(pg)
    # The page's own script writes the cookie once the component has mounted: wait for it, briefly.
    deadline = time.monotonic() + 20
    while not [c for c in context.cookies() if c["name"] == "mnistlab_me"] and time.monotonic() < deadline:
        pg.wait_for_timeout(200)
    cookie = next(c for c in context.cookies() if c["name"] == "mnistlab_me")
    assert cookie["path"] == "/" and cookie["sameSite"] == "Strict", cookie

    open_page(pg, server.url, "results")  # the address without ?me=: before, "Nothing yet" and the form
    pg.get_by_text("Signed in as Reload Tester").wait_for()
    pg.get_by_role("button", name="Forget me on this browser (Reload Tester)").click()
    pg.get_by_label("Your name on the class board", exact=True).wait_for()
    wait_idle(pg)
    assert not [c for c in context.cookies() if c["name"] == "mnistlab_me" and c["value"]]
    open_page(pg, server.url, "results")
    pg.get_by_label("Your name on the class board", exact=True).wait_for()
    assert pg.get_by_text("Signed in as").count() == 0
    context.close()


def test_a_link_to_a_page_that_does_not_exist_says_so(server, page):
    open_page(page, server.url, "nosuchpage")
    page.get_by_text("There is no page called").wait_for()
    assert "nosuchpage" in page.get_by_text("There is no page called").inner_text()
