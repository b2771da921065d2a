"""Property-based tests: any header, however hostile, extracts without raising.

Valid contexts survive inject -> extract unchanged but for the reserved flag
bits, which are sent as zero. Keys, values and flags range over the whole of
what the Recommendation allows. Megabyte inputs are rejected without raising;
that oversized input is refused before any pattern looks at it is checked by
counting the characters the patterns are handed (test_propagation_limits.py has
each bound).
"""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.trace import (
    INVALID_SPAN_CONTEXT,
    DefaultSpan,
    SpanContext,
    TraceOptions,
    TraceState,
)

FORMAT = TraceContextHTTPTextFormat()
VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

# Header text as it arrives: any character, or bytes decoded as Latin-1 (what
# http.server does), biased towards the characters the grammar cares about.
header_text = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.text(alphabet="0123456789abcdefABCDEF-=,@ \t*/_xz", max_size=200),
)
header_values = st.one_of(st.none(), st.lists(header_text, max_size=5))


def case_insensitive_getter(carrier, name):
    return [value for key, value in carrier if key.lower() == name]


def random_case(name):
    return st.lists(st.booleans(), min_size=len(name), max_size=len(name)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(name, upper))
    )


@given(traceparent=header_values, tracestate=header_values)
def test_extract_of_arbitrary_headers_never_raises(traceparent, tracestate):
    carrier = {"traceparent": traceparent, "tracestate": tracestate}
    context = FORMAT.extract(lambda c, name: c[name], carrier)
    assert isinstance(context, SpanContext)
    assert context is INVALID_SPAN_CONTEXT or context.is_valid()


@given(
    st.lists(
        st.tuples(st.sampled_from(["traceparent", "tracestate", "TRACESTATE", "x"]), header_text),
        max_size=8,
    )
)
def test_extract_of_repeated_headers_in_any_order_never_raises(pairs):
    context = FORMAT.extract(case_insensitive_getter, pairs)
    assert context is INVALID_SPAN_CONTEXT or context.is_valid()


@given(st.one_of(header_text, st.lists(header_text, max_size=40).map(",".join)))
def test_from_header_of_arbitrary_text_never_raises_and_yields_valid_entries(text):
    state = TraceState.from_header([text])
    assert len(state) <= 32
    assert TraceState(state.items()) == state  # every entry passes validation again


@given(st.data())
def test_header_names_are_matched_in_any_case(data):
    pairs = [
        (data.draw(random_case("traceparent")), VALID),
        (data.draw(random_case("tracestate")), "foo=1"),
    ]
    context = FORMAT.extract(case_insensitive_getter, pairs)
    assert context.is_valid() and dict(context.trace_state) == {"foo": "1"}


# The Recommendation's grammar at its full lengths: simple keys up to 256
# characters, tenant (241) @ system (14), values up to 256.
keys = st.one_of(
    st.from_regex(r"\A[a-z][a-z0-9_\-*/]{0,255}\Z"),
    st.from_regex(r"\A[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}\Z"),
)
values = st.from_regex(r"\A[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]\Z")
trace_states = st.lists(st.tuples(keys, values), max_size=32, unique_by=lambda kv: kv[0]).map(
    TraceState
)
contexts = st.builds(
    SpanContext,
    st.integers(1, 2**128 - 1),
    st.integers(1, 2**64 - 1),
    st.integers(0, 255).map(TraceOptions),  # every flags byte: reserved bits too
    trace_states,
)


@given(contexts)
def test_inject_then_extract_round_trips(context):
    carrier = {}
    FORMAT.inject(DefaultSpan(context), dict.__setitem__, carrier)
    extracted = FORMAT.extract(lambda c, name: [c[name]] if name in c else [], carrier)
    assert (extracted.trace_id, extracted.span_id) == (context.trace_id, context.span_id)
    # Only the sampled bit is defined; the others go out as zero.
    assert extracted.trace_options == context.trace_options & TraceOptions.SAMPLED
    assert carrier["traceparent"].endswith("-0{}".format(context.trace_options & 1))
    assert list(extracted.trace_state.items()) == list(context.trace_state.items())


@settings(max_examples=30)
@given(contexts, st.integers(1, 4))
def test_round_trip_survives_tracestate_split_over_several_lines(context, lines):
    members = context.trace_state.to_header().split(",")
    size = -(-len(members) // lines)
    chunks = [",".join(members[i : i + size]) for i in range(0, len(members), size)]
    carrier = [("traceparent", "00-{:032x}-{:016x}-01".format(context.trace_id, context.span_id))]
    carrier += [("TraceState", chunk) for chunk in chunks]
    extracted = FORMAT.extract(case_insensitive_getter, carrier)
    assert list(extracted.trace_state.items()) == list(context.trace_state.items())


def test_megabyte_headers_are_rejected_without_raising():
    big = "a" * 1_000_000
    for traceparent, tracestate in (
        (big, "foo=1"),
        (VALID + "-" + big, "foo=1"),
        (" " * 1_000_000 + VALID, "foo=1"),
        (VALID, big),
        (VALID, "," * 1_000_000),
        (VALID, "a=" + big),
        (VALID, "a=1," * 250_000),
    ):
        context = FORMAT.extract(lambda c, name: c[name], {"traceparent": [traceparent], "tracestate": [tracestate]})
        assert context is INVALID_SPAN_CONTEXT or len(context.trace_state) == 0


def test_many_header_lines_are_rejected_without_raising():
    lines = ["a=1"] * 100_000
    context = FORMAT.extract(lambda c, name: c[name], {"traceparent": [VALID], "tracestate": lines})
    assert context.is_valid() and len(context.trace_state) == 0
    context = FORMAT.extract(lambda c, name: c[name], {"traceparent": [VALID] * 100_000, "tracestate": []})
    assert context is INVALID_SPAN_CONTEXT


def test_every_single_character_traceparent_is_rejected():
    for character in string.printable + "\x00\u00ff\u0660":
        assert FORMAT.extract(lambda c, n: [character] if n == "traceparent" else [], {}) is INVALID_SPAN_CONTEXT
