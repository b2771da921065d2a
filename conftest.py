"""Settings for every test in the checkout, whichever folder pytest is given.

Hypothesis's "too slow" health check and its per-example deadline measure wall
time: the first text strategy of a process builds Hypothesis's Unicode tables
(over a second), and the machines the suite runs on are shared. So a property
test would pass or fail depending on which file ran first and on the load.
The property tests check behaviour; their speed is not a test's business.

The failure reporter logs each message template at most once a minute per
process: every test starts with a fresh record, so a test sees its own
failures logged whatever ran before it.

Every test starts from an environment without ``OTEL_EXPORTER_OTLP_*``
variables, whatever the shell running the suite exports. The local OTLP
receiver (``tests/support/otlp_receiver.py``, on the path through
``pythonpath`` in ``pyproject.toml``) is a plugin: the exporters' tests and
the examples' tests both use its fixtures.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from opentelemetry.util import _error_handler

pytest_plugins = ["otlp_receiver"]

settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Fewer examples per property, for runs that repeat the tests thousands of
# times (mutation testing: ``--hypothesis-profile=mutation``).
settings.register_profile("mutation", settings.get_profile("suite"), max_examples=10)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def fresh_failure_reports(monkeypatch):
    monkeypatch.setattr(_error_handler, "_last_logged", {})


@pytest.fixture(autouse=True)
def no_otlp_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("OTEL_EXPORTER_OTLP_"):
            monkeypatch.delenv(name)
