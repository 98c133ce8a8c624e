"""axe-core in real Chromium: every page, in normal and presenter mode and after a main interaction, against
the WCAG 2.0 / 2.1 / 2.2 A and AA rules with WCAG 2.2's target-size rule on. No serious or critical
violation may remain. axe.min.js comes with the axe-playwright-python package: no network needed.

One browser, one server, the pages visited in turn (a fresh session per mode)."""

from __future__ import annotations

import pytest

from benchmarks.browser import ARTIFACTS, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e

PAGES = [
    "",
    "data",
    "binary_2d",
    "binary_784",
    "multiclass",
    "training",
    "draw",
    "mistakes",
    "results",
    "class_board",
]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
SERIOUS = ("serious", "critical")
TOOLTIPS_OPAQUE = """() => [...document.querySelectorAll('.stTooltipContent')].every(tip => {
    for (let node = tip; node; node = node.parentElement)
        if (getComputedStyle(node).opacity !== '1') return false;
    return true;
})"""


def serious_violations(pg) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg, options=OPTIONS)
    found = []
    for v in results.response["violations"]:
        if v["impact"] in SERIOUS:
            where = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:4])
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} at {where}")
    return found


def check(pg, where: str, problems: dict) -> None:
    assert not exceptions(pg), f"{where}: {exceptions(pg)}"
    found = serious_violations(pg)
    if found:
        problems[where] = found
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"axe-{where.replace('/', '_').replace('?', '_')}.png"))


def report(problems: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


@pytest.mark.parametrize("mode", ["normal", "presenter"])
def test_no_serious_accessibility_violation_on_any_page(server, browser, mode):
    context = browser.new_context(viewport={"width": 1280, "height": 720} if mode == "presenter" else None)
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    query = "?presenter=true" if mode == "presenter" else ""
    problems: dict = {}
    try:
        for path in PAGES:
            open_page(pg, server.url, path + query)
            check(pg, f"{mode}/{path or 'home'}", problems)
        # The main interaction of the 2-D playground: C one step up with its "+" button (no drag).
        open_page(pg, server.url, "binary_2d" + query)
        pg.locator(".st-key-model-C-step-up button").first.click()
        pg.wait_for_url("**model-C=3.162**")  # one option up from 1, in the link as a drag would be
        wait_idle(pg)
        # The mouse still rests on "+", so its tooltip shows: checked once it has faded in (halfway
        # through the fade, axe measures its text at part opacity).
        pg.wait_for_function(TOOLTIPS_OPAQUE)
        check(pg, f"{mode}/binary_2d after C+", problems)
        # The draw page from the keyboard: a test image by its number instead of the canvas.
        open_page(pg, server.url, "draw" + query)
        pg.get_by_role("tab", name="A test image").click()
        field = pg.get_by_role("spinbutton", name="Test image number", exact=False)  # not its help button
        field.fill("0")
        field.press("Enter")
        pg.get_by_text("Predicting from test image 0").wait_for()
        wait_idle(pg)
        check(pg, f"{mode}/draw after a test image", problems)
    finally:
        context.close()
    assert not problems, "serious or critical axe violations:\n" + report(problems)
