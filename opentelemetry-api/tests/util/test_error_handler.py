"""The failure reporter: one log line per message template and minute, in bounded memory."""

import logging
import types

import pytest

from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.util import _error_handler
from opentelemetry.util._error_handler import report_exception, report_failure

logger = logging.getLogger("tests.error_handler")


@pytest.fixture
def clock(monkeypatch):
    """The reporter's clock, moved by hand."""
    fake = types.SimpleNamespace(now=100.0)
    monkeypatch.setattr(_error_handler, "time", types.SimpleNamespace(monotonic=lambda: fake.now))
    return fake


def _messages(caplog):
    return [record.getMessage() for record in caplog.records]


def test_failures_that_differ_only_in_their_arguments_are_repeats(caplog, clock):
    with caplog.at_level(logging.WARNING):
        for count in range(10_000):
            report_failure(logger, "%s rejected %d spans: %s", "backend", count, "reason %d" % count)

    assert _messages(caplog) == ["backend rejected 0 spans: reason 0"]


def test_repeats_are_counted_in_the_next_line_a_minute_later(caplog, clock):
    with caplog.at_level(logging.WARNING):
        for count in range(5):
            report_failure(logger, "export failed after %d s", count)
        clock.now += 61
        report_failure(logger, "export failed after %d s", 99)

    assert _messages(caplog) == [
        "export failed after 0 s",
        "export failed after 99 s (4 more times since last logged)",
    ]


def test_exceptions_are_rate_limited_by_template_too(caplog, clock):
    with caplog.at_level(logging.WARNING):
        for count in range(3):
            try:
                raise ValueError(count)
            except ValueError:
                report_exception(logger, "exporter %d raised", count)

    (record,) = caplog.records
    assert record.getMessage() == "exporter 0 raised" and record.exc_info is not None


def test_same_template_from_another_logger_is_another_message(caplog, clock):
    with caplog.at_level(logging.WARNING):
        report_failure(logger, "failed: %s", "a")
        report_failure(logging.getLogger("tests.elsewhere"), "failed: %s", "b")

    assert _messages(caplog) == ["failed: a", "failed: b"]


def test_table_of_messages_stays_bounded(clock):
    quiet = logging.getLogger("tests.error_handler.quiet")
    quiet.disabled = True
    try:
        for number in range(10_000):
            report_failure(quiet, "template built at run time " + str(number))
    finally:
        quiet.disabled = False

    assert len(_error_handler._last_logged) == _error_handler._MAX_MESSAGES


def test_arguments_of_a_repeat_are_not_formatted(caplog, clock):
    class Counted:
        formatted = 0

        def __repr__(self):
            Counted.formatted += 1
            return "Counted()"

    with caplog.at_level(logging.WARNING):
        for _ in range(100):
            report_failure(logger, "%r failed", Counted())

    assert Counted.formatted == 1


def test_argument_whose_repr_raises_still_reports_the_template(caplog, clock):
    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    with caplog.at_level(logging.WARNING):
        report_failure(logger, "%r failed", Broken())

    assert _messages(caplog) == ["%r failed"]


def test_a_broken_getter_in_the_api_propagator_is_reported_once_a_minute(caplog):
    def broken_getter(carrier, name):
        raise RuntimeError("carrier gone")

    with caplog.at_level(logging.WARNING):
        for _ in range(100):
            context = TraceContextHTTPTextFormat.extract(broken_getter, {})
            assert not context.is_valid()
    failures = [r for r in caplog.records if "Extracting the trace context" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.WARNING and failures[0].exc_info is not None


def test_the_levels_given_are_kept(caplog):
    logger = logging.getLogger("levels")
    with caplog.at_level(logging.DEBUG, logger="levels"):
        report_failure(logger, "an error-level failure", level=logging.ERROR)
        try:
            raise ValueError("x")
        except ValueError:
            report_exception(logger, "a warning-level exception", level=logging.WARNING)
    assert [r.levelno for r in caplog.records] == [logging.ERROR, logging.WARNING]
    assert caplog.records[1].exc_info is not None
