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


# -- grouping by resource and scope ---------------------------------------------------


def _span(name, resource, scope):
    return Span(name, trace_api.SpanContext(1, 2), resource=resource, instrumentation_info=scope)


def _names(groups):
    return [
        (dict(resource.labels), [(scope, [span.name for span in spans]) for scope, spans in scopes])
        for resource, scopes in groups
    ]


def test_equal_resources_held_by_different_objects_share_one_group():
    from opentelemetry.sdk.resources import Resource

    first, equal = Resource({"service.name": "a"}), Resource({"service.name": "a"})
    groups = _span_mapping.group_spans([_span("1", first, None), _span("2", equal, None)])
    assert _names(groups) == [({"service.name": "a"}, [(None, ["1", "2"])])]


def test_spans_of_a_scope_seen_before_join_its_group_in_order():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace.instrumentation import InstrumentationInfo

    resource = Resource({"service.name": "a"})
    web, db = InstrumentationInfo("web", "1"), InstrumentationInfo("db", "1")
    spans = [_span("w1", resource, web), _span("d1", resource, db), _span("w2", resource, web)]
    assert _names(_span_mapping.group_spans(spans)) == [
        ({"service.name": "a"}, [(web, ["w1", "w2"]), (db, ["d1"])])
    ]


def test_one_scope_object_under_two_resources_makes_two_groups():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace.instrumentation import InstrumentationInfo

    shared = InstrumentationInfo("lib", "1")
    one, two = Resource({"service.name": "one"}), Resource({"service.name": "two"})
    groups = _span_mapping.group_spans([_span("a", one, shared), _span("b", two, shared)])
    assert _names(groups) == [
        ({"service.name": "one"}, [(shared, ["a"])]),
        ({"service.name": "two"}, [(shared, ["b"])]),
    ]


def test_a_span_that_cannot_be_grouped_is_counted_once_and_the_others_kept():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace.export.otlp._encoding_failures import EncodingFailures

    resource = Resource({"service.name": "a"})
    unhashable_scope = ["not", "hashable"]
    failures = EncodingFailures()
    groups = _span_mapping.group_spans(
        [_span("bad", resource, unhashable_scope), _span("good", resource, None)], failures
    )
    assert _names(groups) == [({"service.name": "a"}, [(None, ["good"])])]
    assert failures.dropped == 1 and isinstance(failures.first_error, TypeError)
    with pytest.raises(TypeError):
        _span_mapping.group_spans([_span("bad", resource, unhashable_scope)])


def test_a_status_description_that_is_not_text_is_sent_as_text():
    status = Status(StatusCanonicalCode.UNKNOWN)
    status._description = 42  # a Status built outside the API's checks
    assert _span_mapping.otlp_status(status) == (_span_mapping.STATUS_CODE_ERROR, "42")
