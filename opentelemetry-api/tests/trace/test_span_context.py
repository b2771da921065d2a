"""Span contexts, trace options and id formatting."""

from opentelemetry import trace


def test_defaults_are_unsampled_and_empty_trace_state():
    context = trace.SpanContext(1, 2)
    assert context.trace_options == trace.TraceOptions.DEFAULT
    assert not context.trace_options.sampled
    assert context.trace_state == {}
    assert len(context.trace_state) == 0


def test_validity_needs_both_ids_non_zero():
    assert trace.SpanContext(1, 1).is_valid()
    assert not trace.SpanContext(0, 1).is_valid()
    assert not trace.SpanContext(1, 0).is_valid()
    assert not trace.INVALID_SPAN_CONTEXT.is_valid()


def test_sampled_flag():
    assert trace.TraceOptions(trace.TraceOptions.SAMPLED).sampled
    assert trace.TraceOptions(0x03).sampled
    assert not trace.TraceOptions.get_default().sampled


def test_repr_is_the_documented_form():
    context = trace.SpanContext(0x6D9024F9B34A06D9E3051F9CD6A517F3, 0x16D0105B895B3047)
    assert repr(context) == (
        "SpanContext(trace_id=0x6d9024f9b34a06d9e3051f9cd6a517f3, "
        "span_id=0x16d0105b895b3047, trace_state={})"
    )


def test_ids_are_zero_padded():
    assert trace.format_trace_id(1) == "0x" + "0" * 31 + "1"
    assert trace.format_span_id(255) == "0x00000000000000ff"


def test_equal_contexts_compare_and_hash_equal():
    a = trace.SpanContext(1, 2, trace.TraceOptions(1), trace.TraceState({"k": "v"}))
    b = trace.SpanContext(1, 2, trace.TraceOptions(1), trace.TraceState({"k": "v"}))
    assert a == b and hash(a) == hash(b)
    assert a != trace.SpanContext(1, 3, trace.TraceOptions(1))


def test_contexts_differing_in_any_one_field_are_unequal_both_ways():
    state = trace.TraceState({"k": "v"})
    context = trace.SpanContext(1, 2, trace.TraceOptions(1), state)
    others = [
        trace.SpanContext(9, 2, trace.TraceOptions(1), state),
        trace.SpanContext(1, 9, trace.TraceOptions(1), state),
        trace.SpanContext(1, 2, trace.TraceOptions(0), state),
        # A trace state holding more entries, or fewer, is a different one.
        trace.SpanContext(1, 2, trace.TraceOptions(1), trace.TraceState({"k": "v", "m": "w"})),
        trace.SpanContext(1, 2, trace.TraceOptions(1), trace.TraceState()),
    ]
    for other in others:
        assert context != other and other != context


def test_the_propagators_fast_remote_context_matches_the_constructor_in_every_slot():
    from opentelemetry.trace.span_context import _remote_span_context

    state = trace.TraceState([("rojo", "1")])
    options = trace.TraceOptions(trace.TraceOptions.SAMPLED)
    fast = _remote_span_context(1, 2, options, state)
    built = trace.SpanContext(1, 2, options, state, is_remote=True)
    assert type(fast) is trace.SpanContext
    # Every slot, so that a slot added to SpanContext and not here fails.
    for name in trace.SpanContext.__slots__:
        assert getattr(fast, name) is getattr(built, name), name
