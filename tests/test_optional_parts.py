"""Optional parts (Ray, Fashion-MNIST, ...) skip on a developer's machine and fail where CI requires them."""

import pytest

from tests.conftest import require, require_module


def test_a_missing_part_skips_where_it_is_not_required(monkeypatch):
    monkeypatch.delenv("MNISTLAB_REQUIRE_SOMETHING", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not here"):
        require("Something", "MNISTLAB_REQUIRE_SOMETHING", "not here")
    with pytest.raises(pytest.skip.Exception):
        require_module("mnistlab_no_such_module", "MNISTLAB_REQUIRE_SOMETHING")


def test_a_missing_part_fails_where_it_is_required(monkeypatch):
    monkeypatch.setenv("MNISTLAB_REQUIRE_SOMETHING", "1")
    with pytest.raises(pytest.fail.Exception, match="Something is required here"):
        require("Something", "MNISTLAB_REQUIRE_SOMETHING", "not here")
    with pytest.raises(ImportError):
        require_module("mnistlab_no_such_module", "MNISTLAB_REQUIRE_SOMETHING")
    assert require_module("json", "MNISTLAB_REQUIRE_SOMETHING").dumps([1]) == "[1]"
