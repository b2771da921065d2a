"""The SDK-to-OTLP mapping of kinds, statuses, parents and trace state, value by value.

The encoders build lookup tables from these functions when they are imported,
so these tests check the functions themselves as well as through a round trip.
"""

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export.otlp import _span_mapping
from opentelemetry.trace.status import Status, StatusCanonicalCode


@pytest.mark.parametrize(
    "kind, number",
    [
        (trace_api.SpanKind.INTERNAL, 1),
        (trace_api.SpanKind.SERVER, 2),
        (trace_api.SpanKind.CLIENT, 3),
        (trace_api.SpanKind.PRODUCER, 4),
        (trace_api.SpanKind.CONSUMER, 5),
        ("not a kind", 1),
    ],
)
def test_kinds_map_to_their_otlp_numbers_and_anything_else_to_internal(kind, number):
    assert _span_mapping.otlp_kind(kind) == number


def test_statuses_map_to_otlp_codes_and_messages():
    assert _span_mapping.otlp_status(None) is None
    assert _span_mapping.otlp_status(Status(StatusCanonicalCode.OK)) == (
        _span_mapping.STATUS_CODE_OK,
        "",
    )
    assert _span_mapping.otlp_status(Status(StatusCanonicalCode.OK, "ignored")) == (
        _span_mapping.STATUS_CODE_OK,
        "",
    )
    assert _span_mapping.otlp_status(Status(StatusCanonicalCode.NOT_FOUND, "gone")) == (
        _span_mapping.STATUS_CODE_ERROR,
        "gone",
    )
    assert _span_mapping.otlp_status(Status(StatusCanonicalCode.NOT_FOUND)) == (
        _span_mapping.STATUS_CODE_ERROR,
        "NOT_FOUND",
    )


def test_the_parent_span_id_is_none_for_a_root_or_a_zero_id():
    context = trace_api.SpanContext(1, 2)
    assert _span_mapping.parent_span_id(Span("root", context)) is None
    assert _span_mapping.parent_span_id(Span("child", context, parent=context)) == 2
    parent_span = Span("parent", trace_api.SpanContext(1, 7))
    assert _span_mapping.parent_span_id(Span("child", context, parent=parent_span)) == 7
    zero = trace_api.SpanContext(1, 0)
    assert _span_mapping.parent_span_id(Span("child", context, parent=zero)) is None


def test_the_trace_state_header_lists_the_entries_in_order():
    assert _span_mapping.trace_state_header(trace_api.TraceState()) == ""
    state = trace_api.TraceState([("b", "2"), ("a", "1")])
    assert _span_mapping.trace_state_header(state) == "b=2,a=1"
