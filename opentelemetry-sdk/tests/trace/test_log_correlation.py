"""Log records carry the current trace and span ids."""

import io
import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.log_correlation import LOG_FORMAT, TraceContextFilter


@pytest.fixture
def logged():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TraceContextFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger = logging.getLogger("test_log_correlation")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_a_record_inside_a_span_carries_its_ids(logged):
    logger, stream = logged
    tracer = TracerSource(shutdown_on_exit=False).get_tracer("t")
    with tracer.start_as_current_span("work") as span:
        logger.info("inside")
    context = span.get_context()
    assert "trace_id={:032x} span_id={:016x} trace_sampled=True] inside".format(
        context.trace_id, context.span_id
    ) in stream.getvalue()


def test_a_record_outside_any_span_gets_zero_ids(logged):
    logger, stream = logged
    logger.info("outside")
    assert "trace_id={} span_id={} trace_sampled=False] outside".format("0" * 32, "0" * 16) in (
        stream.getvalue()
    )


def test_ids_given_with_extra_are_kept(logged):
    logger, stream = logged
    logger.info("given", extra={"otelTraceID": "t" * 32, "otelSpanID": "s" * 16, "otelTraceSampled": True})
    assert "trace_id={} span_id={}".format("t" * 32, "s" * 16) in stream.getvalue()


def test_a_broken_current_span_still_lets_the_record_through(logged):
    class Broken(trace_api.Span):
        def get_context(self):
            raise RuntimeError("broken")

    logger, stream = logged
    tracer = TracerSource(shutdown_on_exit=False).get_tracer("t")
    with tracer.use_span(Broken()):
        logger.info("still logged")
    assert "span_id={} trace_sampled=False] still logged".format("0" * 16) in stream.getvalue()
