"""Every page opens in a real browser without an exception element."""

import pytest

from tests.e2e.conftest import ARTIFACTS, exceptions, open_page

pytestmark = pytest.mark.e2e


def test_home_page_in_chromium(server, page):
    open_page(page, server.url)
    assert page.get_by_text("Images per class").count() >= 1
    assert "70,000" in page.locator("[data-testid=stMetric]").first.inner_text()
    assert exceptions(page) == []
    page.screenshot(path=str(ARTIFACTS / "home.png"))
