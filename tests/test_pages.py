"""AppTest: every page runs without an exception, and its main interactions work."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

TIMEOUT = 120


@pytest.fixture
def app(mnist):  # the mnist fixture makes sure the data is cached before the app starts
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_home_page_shows_the_dataset(app):
    app.run()
    assert not app.exception
    assert [m.value for m in app.metric][:3] == ["70,000", "60,000", "10,000"]
    assert app.title[0].value == "mnistlab"
