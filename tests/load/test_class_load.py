"""The protocol-level class benchmark as a bounded test: 20 simulated students for 20 s on one server.

Asserts what must hold at any speed: no errors, every student served, memory bounded. The timings are
only reported (printed with -s, saved to test-artifacts/class_load.json): they depend on the machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import class_load, st_protocol
from benchmarks.servers import AppServer
from benchmarks.st_protocol import Tab

pytestmark = pytest.mark.load
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STUDENTS, SECONDS = 20, 20
# What 20 sessions may add to the server's memory (each holds a few small models and figures).
MAX_GROWTH_MB = 600


@pytest.fixture(scope="module")
def server(mnist):
    ARTIFACTS.mkdir(exist_ok=True)
    srv = AppServer(log_path=ARTIFACTS / "class-load-server.log")
    yield srv
    srv.stop()


def test_a_slider_move_is_a_fragment_rerun(server):
    async def move() -> tuple[str, str]:
        tab = Tab(server.url)
        await tab.connect("binary_2d")
        opened = await tab.open_page("binary_2d")
        moved = await tab.select("model-C", 0)
        await tab.close()
        return opened.status, moved.status

    assert st_protocol.run(move()) == ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


def test_a_class_of_twenty(server):
    result = class_load.measure(server.url, [server.pid], STUDENTS, SECONDS, scenario="class", trainers=3)
    (ARTIFACTS / "class_load.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    actions = result["actions"]
    assert result["errors"] == 0, result["error_samples"]
    assert actions["open"]["n"] == STUDENTS
    # Each student moves about every 2 s; under any load each gets at least one move served.
    assert actions["slider"]["n"] >= STUDENTS
    assert actions["training"]["n"] == 3  # three trainings in worker processes: two lanes and a queue
    assert any(kind.startswith("page:") and kind != "page:training" for kind in actions)
    rss = result["rss_mb"]
    assert rss["peak"] - rss["before"] < MAX_GROWTH_MB, rss
