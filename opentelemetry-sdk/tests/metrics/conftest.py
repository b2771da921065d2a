"""Fixtures shared by the metrics tests."""

import pytest

from opentelemetry.util import _error_handler


@pytest.fixture(autouse=True)
def fresh_failure_log(monkeypatch):
    """Every test sees its own first failure logged, whatever ran before it."""
    monkeypatch.setattr(_error_handler, "_last_logged", {})
