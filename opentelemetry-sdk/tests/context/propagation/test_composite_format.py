"""A composite format runs several formats in order; baggage rides along with the global format."""

from opentelemetry import trace as trace_api
from opentelemetry.context.propagation import HTTPTextFormat
from opentelemetry.context.propagation.tracecontexthttptextformat import TraceContextHTTPTextFormat
from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryKey,
    EntryMetadata,
    EntryTTL,
    EntryValue,
)
from opentelemetry.sdk.context.propagation import B3Format, CompositeHTTPTextFormat
from opentelemetry.sdk.distributedcontext import (
    BaggageHTTPTextFormat,
    CurrentDistributedContextHTTPTextFormat,
    DistributedContextManager,
)

SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
SPAN = trace_api.DefaultSpan(trace_api.SpanContext(0xA, 0xB, SAMPLED))


def _get(carrier, name):
    value = carrier.get(name)
    return None if value is None else [value]


class _Broken(HTTPTextFormat):
    def extract(self, get_from_carrier, carrier):
        raise RuntimeError("broken extract")

    def inject(self, span, set_in_carrier, carrier):
        raise RuntimeError("broken inject")


def test_inject_writes_every_format_in_order():
    carrier = {}
    CompositeHTTPTextFormat([TraceContextHTTPTextFormat(), B3Format()]).inject(
        SPAN, dict.__setitem__, carrier
    )
    assert list(carrier) == ["traceparent", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled"]


def test_extract_takes_the_last_format_that_found_a_valid_context():
    carrier = {
        "traceparent": "00-{:032x}-{:016x}-01".format(1, 2),
        "b3": "{:032x}-{:016x}-1".format(3, 4),
    }
    both = CompositeHTTPTextFormat([TraceContextHTTPTextFormat(), B3Format()])
    assert both.extract(_get, carrier).trace_id == 3
    only_w3c = {"traceparent": carrier["traceparent"]}
    assert both.extract(_get, only_w3c).trace_id == 1
    assert both.extract(_get, {}) is trace_api.INVALID_SPAN_CONTEXT


def test_a_broken_format_is_logged_and_the_others_still_run(caplog):
    composite = CompositeHTTPTextFormat([_Broken(), TraceContextHTTPTextFormat()])
    carrier = {}
    composite.inject(SPAN, dict.__setitem__, carrier)
    assert "traceparent" in carrier
    assert composite.extract(_get, carrier).span_id == 0xB
    assert "failed to inject" in caplog.text and "failed to extract" in caplog.text


def test_things_that_are_not_formats_are_left_out(caplog):
    composite = CompositeHTTPTextFormat([TraceContextHTTPTextFormat(), "b3"])  # type: ignore[list-item]
    assert len(composite.formats) == 1
    assert "Left 'b3' out" in caplog.text


def test_b3_single_header_injection_writes_one_header():
    carrier = {}
    B3Format(single_header=True).inject(SPAN, dict.__setitem__, carrier)
    assert carrier == {"b3": "{:032x}-{:016x}-1".format(0xA, 0xB)}
    assert B3Format().extract(_get, carrier) == SPAN.get_context()


def test_the_global_format_can_carry_the_current_distributed_context():
    manager = DistributedContextManager(http_text_format=BaggageHTTPTextFormat())
    composite = CompositeHTTPTextFormat(
        [TraceContextHTTPTextFormat(), CurrentDistributedContextHTTPTextFormat(BaggageHTTPTextFormat(), manager)]
    )
    entry = Entry(
        EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION), EntryKey.create("user"), EntryValue.create("alice")
    )
    carrier = {}
    with manager.use_context(DistributedContext([entry])):
        composite.inject(SPAN, dict.__setitem__, carrier)
    assert carrier["baggage"] == "user=alice"
    outside = {}
    composite.inject(SPAN, dict.__setitem__, outside)
    assert "baggage" not in outside
    # The span context comes from traceparent; the baggage from the manager's format.
    assert composite.extract(_get, carrier).span_id == 0xB
    received = manager.http_text_format().extract(_get, carrier)
    assert received.get_entry_value(EntryKey.create("user")) == "alice"
