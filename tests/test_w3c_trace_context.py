"""Conformance with the W3C Trace Context Recommendation (Level 1), rule by rule.

Each test's docstring quotes the rule it checks, with its section number.
The propagation is the API's TraceContextHTTPTextFormat; the processing
model rules (section 4) use the SDK's tracer, as a participating vendor.
"""

import http.client
import logging

import pytest

from opentelemetry import trace
from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.trace import sampling
from opentelemetry.trace import INVALID_SPAN_CONTEXT, DefaultSpan, TraceState

FORMAT = TraceContextHTTPTextFormat()
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
VALID = "00-{}-{}-01".format(TRACE_ID, PARENT_ID)


def headers(*pairs):
    """An HTTP header block, as http.server hands it to a handler."""
    message = http.client.HTTPMessage()
    for name, value in pairs:
        message[name] = value
    return message


def get_all(message, name):
    return message.get_all(name)


def extract(*pairs):
    return FORMAT.extract(get_all, headers(*pairs))


def extract_traceparent(value):
    return extract(("traceparent", value))


def inject(context):
    carrier = {}
    FORMAT.inject(DefaultSpan(context), dict.__setitem__, carrier)
    return carrier


def assert_restarts(value):
    assert extract_traceparent(value) is INVALID_SPAN_CONTEXT, value


def assert_continues(value):
    context = extract_traceparent(value)
    assert context.is_valid(), value
    assert context.trace_id == int(TRACE_ID, 16)
    assert context.span_id == int(PARENT_ID, 16)


# -- 3.2 traceparent --------------------------------------------------------


def test_header_name_is_expected_in_any_case():
    """3.2.1: "Vendors MUST expect the header name in any case (upper, lower, mixed)"."""
    for name in ("traceparent", "TraceParent", "TrAcEpArEnT", "TRACEPARENT"):
        assert extract((name, VALID)).is_valid(), name


def test_header_name_is_sent_in_lowercase():
    """3.2.1: "and SHOULD send the header name in lowercase"."""
    carrier = inject(extract_traceparent(VALID))
    assert list(carrier) == ["traceparent"]


def test_other_header_names_are_not_traceparent():
    """3.2.1: "The header name is a single word without any delimiters, for example, a hyphen"."""
    assert extract(("trace-parent", VALID)) is INVALID_SPAN_CONTEXT
    assert extract(("trace.parent", VALID)) is INVALID_SPAN_CONTEXT


def test_version_is_two_lowercase_hex_digits():
    """3.2.2.1: "version = 2HEXDIGLC"."""
    for version in ("0", "000", "0000", ".0", "0.", "0A", "AA", "g0"):
        assert_restarts(version + VALID[2:])


def test_version_ff_is_invalid():
    """3.2.2.1: "Version ff is invalid"."""
    assert_restarts("ff" + VALID[2:])


def test_version_00_has_exactly_four_fields():
    """3.2.2.2: "version-format = trace-id "-" parent-id "-" trace-flags" is the format of version 00."""
    assert_continues(VALID)
    assert_restarts(VALID + ".")
    assert_restarts(VALID + "-what-the-future-will-be-like")
    assert_restarts(VALID + "0")


def test_trace_id_is_32_lowercase_hex_digits():
    """3.2.2.3: "If the trace-id value is invalid (for example if it contains non-allowed
    characters or all zeros), vendors MUST ignore the traceparent"."""
    for trace_id in (
        TRACE_ID.upper(),
        "." + TRACE_ID[1:],
        TRACE_ID[:-1] + ".",
        TRACE_ID[:-1],
        TRACE_ID + "3",
        TRACE_ID[:-1] + "g",
        TRACE_ID[:-1] + " ",
    ):
        assert_restarts("00-{}-{}-01".format(trace_id, PARENT_ID))


def test_all_zero_trace_id_is_invalid():
    """3.2.2.3: "All bytes as zero (00000000000000000000000000000000) is considered an invalid value"."""
    assert_restarts("00-{}-{}-01".format("0" * 32, PARENT_ID))


def test_parent_id_is_16_lowercase_hex_digits():
    """3.2.2.4: "Vendors MUST ignore the traceparent when the parent-id is invalid (for example,
    if it contains non-lowercase hex characters)"."""
    for parent_id in (
        PARENT_ID.upper(),
        "." + PARENT_ID[1:],
        PARENT_ID[:-1] + ".",
        PARENT_ID[:-1],
        PARENT_ID + "7",
    ):
        assert_restarts("00-{}-{}-01".format(TRACE_ID, parent_id))


def test_all_zero_parent_id_is_invalid():
    """3.2.2.4: "All bytes as zero (0000000000000000) is considered an invalid value"."""
    assert_restarts("00-{}-{}-01".format(TRACE_ID, "0" * 16))


def test_trace_flags_are_two_lowercase_hex_digits():
    """3.2.2.2: "trace-flags = 2HEXDIGLC ; 8 bit flags"."""
    for flags in ("0", "1", "001", ".0", "0.", "0A", "0g"):
        assert_restarts("00-{}-{}-{}".format(TRACE_ID, PARENT_ID, flags))


def test_sampled_flag_is_the_least_significant_bit():
    """3.2.2.5.1: "When set, the least significant bit (right-most), denotes that the caller may
    have recorded trace data"; 3.2.2.5: "A common mistake in bit fields is forgetting to mask
    when interpreting flags"."""
    for flags, sampled in (("00", False), ("01", True), ("09", True), ("08", False), ("ff", True)):
        context = extract_traceparent("00-{}-{}-{}".format(TRACE_ID, PARENT_ID, flags))
        assert context.is_valid()
        assert context.trace_options.sampled is sampled, flags


def test_other_flags_are_sent_as_zero():
    """3.2.2.5.2: "The behavior of other flags, such as (00000100) is not defined and is reserved
    for future use. Vendors MUST set those to zero"."""
    context = extract_traceparent("00-{}-{}-ff".format(TRACE_ID, PARENT_ID))
    assert inject(context)["traceparent"].endswith("-01")
    context = extract_traceparent("00-{}-{}-fe".format(TRACE_ID, PARENT_ID))
    assert inject(context)["traceparent"].endswith("-00")


def test_examples_of_the_recommendation_parse():
    """3.2.3: "Valid traceparent when caller sampled this request" and "... didn't sample"."""
    sampled = extract_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    not_sampled = extract_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    assert sampled.trace_options.sampled and not not_sampled.trace_options.sampled
    assert sampled.trace_id == not_sampled.trace_id == 0x4BF92F3577B34DA6A3CE929D0E0E4736
    assert sampled.span_id == not_sampled.span_id == 0x00F067AA0BA902B7


def test_unparseable_version_prefix_restarts_the_trace():
    """3.2.4: "When the version prefix cannot be parsed (it's not 2 hex characters followed by a
    dash (-)), the implementation should restart the trace"."""
    assert_restarts("0x" + VALID[2:])
    assert_restarts("00_" + VALID[3:])
    assert_restarts("")


def test_higher_version_is_parsed_for_its_known_fields():
    """3.2.4: "If a higher version is detected, the implementation SHOULD try to parse it"."""
    assert_continues("cc-{}-{}-01".format(TRACE_ID, PARENT_ID))
    assert_continues("cc-{}-{}-01-what-the-future-will-be-like".format(TRACE_ID, PARENT_ID))
    assert_continues("01-{}-{}-01-".format(TRACE_ID, PARENT_ID))


def test_higher_version_shorter_than_55_characters_restarts_the_trace():
    """3.2.4: "If the size of the header is shorter than 55 characters, the vendor should not
    parse the header and should restart the trace"."""
    assert_restarts("cc-{}-{}-1".format(TRACE_ID, PARENT_ID))
    assert_restarts("cc-{}-{}".format(TRACE_ID, PARENT_ID))


def test_higher_version_trace_id_is_hex_followed_by_a_dash():
    """3.2.4: "Vendors MUST check that the 32 characters are hex, and that they are followed by a
    dash (-)"."""
    assert_restarts("cc-{}.{}-01".format(TRACE_ID, PARENT_ID))
    assert_restarts("cc-{}x-{}-01".format(TRACE_ID[:-1], PARENT_ID))


def test_higher_version_parent_id_is_hex_followed_by_a_dash():
    """3.2.4: "Vendors MUST check that the 16 characters are hex and followed by a dash"."""
    assert_restarts("cc-{}-{}.01".format(TRACE_ID, PARENT_ID))
    assert_restarts("cc-{}-{}x-01".format(TRACE_ID, PARENT_ID[:-1]))


def test_higher_version_flags_end_the_string_or_precede_a_dash():
    """3.2.4: "Vendors MUST check that the 2 characters are either the end of the string or a
    dash"."""
    assert_restarts("cc-{}-{}-01.what-the-future-will-be-like".format(TRACE_ID, PARENT_ID))
    assert_restarts("cc-{}-{}-012".format(TRACE_ID, PARENT_ID))


def test_higher_version_is_sent_as_version_00():
    """3.2.4: "Vendors MUST use these fields to construct the new traceparent field according to
    the highest version of the specification known to the implementation (in this
    specification it is 00)"."""
    context = extract_traceparent("cc-{}-{}-01-what-the-future-will-be-like".format(TRACE_ID, PARENT_ID))
    assert inject(context)["traceparent"] == VALID


def test_prohibitively_large_traceparent_is_rejected():
    """3.2.4: "They should expect that headers may have larger size limits in the future and only
    disallow prohibitively large headers"; 7: "best practices for parsing potentially malicious
    headers, including checking for header length"."""
    assert_continues("cc-{}-{}-01-{}".format(TRACE_ID, PARENT_ID, "x" * 400))
    assert_restarts("cc-{}-{}-01-{}".format(TRACE_ID, PARENT_ID, "x" * 1_000_000))


def test_optional_whitespace_around_traceparent_is_ignored():
    """RFC 7230 section 3.2.4, which the Recommendation's HTTP headers follow: "The field value
    does not include any leading or trailing whitespace"."""
    for value in (" " + VALID, "\t" + VALID, VALID + " ", VALID + "\t", "\t " + VALID + " \t"):
        assert_continues(value)


def test_repeated_traceparent_restarts_the_trace():
    """3.2: "The traceparent HTTP header field identifies the incoming request": two of them
    identify none (the W3C test suite's test_traceparent_duplicated)."""
    assert extract(("traceparent", VALID), ("traceparent", VALID)) is INVALID_SPAN_CONTEXT


# -- 3.3 tracestate ---------------------------------------------------------


def test_tracestate_is_not_parsed_when_traceparent_fails():
    """3.3: "If the vendor failed to parse traceparent, it MUST NOT attempt to parse tracestate"."""
    asked = []

    def recording_getter(carrier, name):
        asked.append(name)
        return carrier.get(name)

    carrier = {"traceparent": ["00-" + "0" * 32 + "-" + PARENT_ID + "-01"], "tracestate": ["a=1"]}
    assert FORMAT.extract(recording_getter, carrier) is INVALID_SPAN_CONTEXT
    assert asked == ["traceparent"]


def test_invalid_tracestate_does_not_affect_traceparent():
    """3.3: "failure to parse tracestate MUST NOT affect the parsing of traceparent"."""
    context = extract(("traceparent", VALID), ("tracestate", "foo=1,FOO=2"))
    assert context.is_valid() and context.span_id == int(PARENT_ID, 16)
    assert len(context.trace_state) == 0


def test_tracestate_header_name_is_expected_in_any_case():
    """3.3.1: "Vendors MUST expect the header name in any case (upper, lower, mixed)"."""
    for name in ("tracestate", "TraceState", "TrAcEsTaTe", "TRACESTATE"):
        assert dict(extract(("traceparent", VALID), (name, "foo=1")).trace_state) == {"foo": "1"}


def test_tracestate_header_name_is_sent_in_lowercase():
    """3.3.1: "and SHOULD send the header name in lowercase"."""
    carrier = inject(extract(("traceparent", VALID), ("tracestate", "foo=1")))
    assert sorted(carrier) == ["traceparent", "tracestate"]


def test_multiple_tracestate_headers_are_combined_in_order():
    """3.3.1.1: "When receiving multiple tracestate header fields, they MUST be combined into a
    single header according to RFC7230"."""
    context = extract(
        ("traceparent", VALID),
        ("tracestate", "foo=1,bar=2"),
        ("tracestate", "rojo=1,congo=2"),
        ("tracestate", "baz=3"),
    )
    assert context.trace_state.to_header() == "foo=1,bar=2,rojo=1,congo=2,baz=3"


def test_whitespace_around_list_members_is_ignored():
    """3.3.1.1: "Spaces and horizontal tabs surrounding list-members are ignored"."""
    for value in ("foo=1 \t , \t bar=2, \t baz=3", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"):
        state = extract(("traceparent", VALID), ("tracestate", value)).trace_state
        assert list(state.items()) == [("foo", "1"), ("bar", "2"), ("baz", "3")]
    for value in (" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"):
        assert dict(extract(("traceparent", VALID), ("tracestate", value)).trace_state) == {"foo": "1"}


def test_at_most_32_list_members():
    """3.3.1.1: "There can be a maximum of 32 list-members in a list"."""
    members = ["bar{:02d}={:02d}".format(i, i) for i in range(1, 34)]
    state = extract(("traceparent", VALID), ("tracestate", ",".join(members[:32]))).trace_state
    assert len(state) == 32
    state = extract(("traceparent", VALID), ("tracestate", ",".join(members))).trace_state
    assert len(state) == 0


def test_empty_and_whitespace_only_members_are_allowed():
    """3.3.1.1: "Empty and whitespace-only list members are allowed"."""
    state = extract(("traceparent", VALID), ("tracestate", "foo=1,, \t ,bar=2,")).trace_state
    assert list(state.items()) == [("foo", "1"), ("bar", "2")]


def test_empty_tracestate_header_is_accepted():
    """3.3.1.1: "Vendors MUST accept empty tracestate headers"."""
    context = extract(("traceparent", VALID), ("tracestate", ""))
    assert context.is_valid() and len(context.trace_state) == 0
    for pairs in ((("tracestate", "foo=1"), ("tracestate", "")), (("tracestate", ""), ("tracestate", "foo=1"))):
        assert dict(extract(("traceparent", VALID), *pairs).trace_state) == {"foo": "1"}


def test_empty_tracestate_is_not_sent():
    """3.3.1.1: "but SHOULD avoid sending them"."""
    assert list(inject(extract_traceparent(VALID))) == ["traceparent"]


@pytest.mark.parametrize(
    "key",
    [
        "a",
        "abcdefghijklmnopqrstuvwxyz0123456789_-*/",
        "z" * 256,
        "1foo",
        "1tenant@system",
        "t" * 241 + "@" + "v" * 14,
        "t" * 242 + "@v",
        "t@" + "v" * 15,
        "abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/",
        "foo@",
        "foo@@bar",
        "foo@bar@baz",
        "foo@1bar",
    ],
)
def test_valid_keys_are_accepted(key):
    """The key grammar the W3C test suite checks (Trace Context Level 2, "key"): "key = ( lcalpha
    / DIGIT ) 0*255( keychar ); keychar = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"". It
    accepts every Level 1 key, and "@" anywhere after the first character."""
    state = extract(("traceparent", VALID), ("tracestate", key + "=1")).trace_state
    assert dict(state) == {key: "1"}


@pytest.mark.parametrize(
    "key",
    ["FOO", "foo ", "foo.bar", "_foo", "@foo", "z" * 257, "1" + "z" * 256, ""],
)
def test_invalid_keys_discard_the_header(key):
    """The key grammar; a member outside it makes the list invalid (the W3C test suite's
    test_tracestate_key_illegal_characters, ..._key_illegal_vendor_format: a key starting with
    "@", and ..._key_length_limit: 257 characters)."""
    state = extract(("traceparent", VALID), ("tracestate", "foo=1"), ("tracestate", key + "=1")).trace_state
    assert len(state) == 0


def test_valid_values_are_accepted():
    """3.3.1.3.2: "value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr =
    %x20 / nblk-chr"."""
    every_character = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in ",=")
    for value in (every_character, "x" * 256, "  leading spaces are part of the value"):
        state = extract(("traceparent", VALID), ("tracestate", "foo=" + value)).trace_state
        assert dict(state) == {"foo": value}


@pytest.mark.parametrize("value", ["", "bar=baz", "a\tb", "x" * 257, "caf\u00e9", "a\x7fb", " "])
def test_invalid_values_discard_the_header(value):
    """3.3.1.3.2: "The value is an opaque string containing up to 256 printable ASCII characters
    (i.e., the range 0x20 to 0x7E) except comma (,) and (=)"."""
    state = extract(("traceparent", VALID), ("tracestate", "bar=2,foo=" + value)).trace_state
    assert len(state) == 0


def test_trailing_spaces_of_a_value_are_optional_whitespace():
    """3.3.1.3.2: value ends with "nblk-chr", so trailing spaces belong to the OWS around the
    member."""
    assert dict(extract(("traceparent", VALID), ("tracestate", "foo=bar   ")).trace_state) == {"foo": "bar"}


def test_a_repeated_key_keeps_its_first_entry_and_the_rest_of_the_header():
    """3.3.1.4: "Only one entry per key is allowed". The W3C test suite's
    test_tracestate_duplicated_keys lets a receiver keep the repeats or drop them, but not lose
    the header: the first entry of a key is kept, later ones dropped."""
    for pairs, expected in (
        ((("tracestate", "foo=1,foo=1"),), {"foo": "1"}),
        ((("tracestate", "foo=1,foo=2"),), {"foo": "1"}),
        ((("tracestate", "foo=1"), ("tracestate", "foo=1")), {"foo": "1"}),
        ((("tracestate", "foo=1"), ("tracestate", "foo=2")), {"foo": "1"}),
        ((("tracestate", "a=1,foo=1, bar=2 ,foo=3,b=4"),), {"a": "1", "foo": "1", "bar": "2", "b": "4"}),
    ):
        state = extract(("traceparent", VALID), *pairs).trace_state
        assert list(state.items()) == list(expected.items())
        assert state.to_header() == ",".join(k + "=" + v for k, v in expected.items())


def test_truncation_removes_whole_entries_from_the_end():
    """3.3.1.5: "the vendor MUST truncate whole entries ... Then entries SHOULD be removed starting
    from the end of tracestate"."""
    full = TraceState(("k{:02d}".format(i), "v") for i in range(32))
    grown = full.add("new", "v")
    assert list(grown)[:2] == ["new", "k00"]
    assert list(grown)[-1] == "k30"
    assert all(grown[key] == "v" for key in grown)


def test_examples_of_tracestate_parse():
    """3.3.2: "tracestate: rojo=00f067aa0ba902b7" and "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"."""
    state = extract(("traceparent", VALID), ("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")).trace_state
    assert list(state.items()) == [("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]


# -- 3.4, 3.5 mutations -----------------------------------------------------


def test_unchanged_traceparent_is_forwarded_with_unchanged_tracestate():
    """3.4: "If the value of the traceparent field wasn't changed before propagation, tracestate
    MUST NOT be modified as well"."""
    incoming = {"traceparent": VALID, "tracestate": "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}
    context = FORMAT.extract(lambda c, n: [c[n]] if n in c else [], incoming)
    assert inject(context) == incoming


def test_modified_key_moves_to_the_front_and_the_others_keep_their_order():
    """3.5: "When mutating tracestate, the order of unmodified key/value pairs MUST be preserved.
    Modified keys SHOULD be moved to the beginning (left) of the list"."""
    state = TraceState.from_header(["rojo=1,congo=2,xyz=3"]).update("congo", "9")
    assert state.to_header() == "congo=9,rojo=1,xyz=3"


def test_new_key_is_added_at_the_front():
    """3.5: "Add a new key/value pair. The new key/value pair SHOULD be added to the beginning of
    the list"."""
    assert TraceState.from_header(["congo=t61rcWkgMzE"]).add("rojo", "00f067aa0ba902b7").to_header() == (
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
    )


def test_a_key_may_be_deleted():
    """3.5: "Delete a key/value pair. Any key/value pair MAY be deleted"."""
    assert TraceState.from_header(["a=1,b=2,c=3"]).delete("b").to_header() == "a=1,c=3"


# -- 4 processing model, with the SDK as the participating vendor ------------


@pytest.fixture(name="tracer")
def fixture_tracer():
    # Parent-based, so the recording decision follows the caller's flag; the
    # default (ALWAYS_ON, as in v0.3) would record every trace.
    return TracerSource(sampling.DEFAULT_ON, shutdown_on_exit=False).get_tracer(__name__)


def test_no_traceparent_starts_a_new_trace(tracer):
    """4.2: "Because the traceparent header is not received, the vendor creates a new trace-id and
    parent-id that represents the current request"."""
    parent = extract()
    assert parent is INVALID_SPAN_CONTEXT
    with tracer.start_as_current_span("server", parent=parent) as span:
        carrier = inject(span.get_context())
    assert carrier["traceparent"].startswith("00-")
    assert extract_traceparent(carrier["traceparent"]).is_valid()


def test_tracestate_without_traceparent_is_discarded(tracer):
    """4.2: "If a tracestate header is received without an accompanying traceparent header, it is
    invalid and MUST be discarded"."""
    parent = extract(("tracestate", "foo=1"))
    assert parent is INVALID_SPAN_CONTEXT
    with tracer.start_as_current_span("server", parent=parent) as span:
        assert "tracestate" not in inject(span.get_context())


def test_received_traceparent_is_sent_with_a_new_parent_id(tracer):
    """3.4: "A vendor receiving a traceparent request header MUST send it to outgoing requests";
    4.3: "The value of property parent-id MUST be set to a value representing the ID of the
    current operation"."""
    parent = extract(("traceparent", VALID), ("tracestate", "congo=t61rcWkgMzE"))
    sent = []
    with tracer.start_as_current_span("server", parent=parent):
        for _ in range(3):
            with tracer.start_as_current_span("client", kind=trace.SpanKind.CLIENT) as client:
                sent.append(inject(client.get_context()))
    assert {extract_traceparent(s["traceparent"]).trace_id for s in sent} == {int(TRACE_ID, 16)}
    parent_ids = {s["traceparent"].split("-")[2] for s in sent}
    assert len(parent_ids) == 3 and PARENT_ID not in parent_ids
    assert all(s["tracestate"] == "congo=t61rcWkgMzE" for s in sent)


def test_invalid_traceparent_restarts_and_drops_tracestate(tracer):
    """4.3: "If either trace-id, parent-id or trace-flags are invalid, the vendor creates a new
    traceparent header and deletes tracestate"."""
    parent = extract(("traceparent", "00-" + "0" * 32 + "-" + PARENT_ID + "-01"), ("tracestate", "foo=1"))
    with tracer.start_as_current_span("server", parent=parent) as span:
        carrier = inject(span.get_context())
    assert int(carrier["traceparent"].split("-")[1], 16) != 0
    assert "tracestate" not in carrier


def test_sampled_flag_reflects_the_recording_decision(tracer):
    """3.2.2.5.1: "If a component made definitive recording decision - this decision SHOULD be
    reflected in the sampled flag"."""
    for flags in ("00", "01"):
        parent = extract_traceparent("00-{}-{}-{}".format(TRACE_ID, PARENT_ID, flags))
        with tracer.start_as_current_span("server", parent=parent) as span:
            assert inject(span.get_context())["traceparent"].endswith("-" + flags)
            assert span.is_recording_events() is (flags == "01")


def test_debug_logging_only_for_rejected_headers(caplog):
    """7: vendors must parse "potentially malicious headers"; what is rejected is logged at debug
    level so an attacker cannot flood the application's log."""
    with caplog.at_level(logging.DEBUG):
        extract(("traceparent", "garbage"), ("tracestate", "x"))
        extract(("traceparent", VALID), ("tracestate", "BAD=1"))
    assert caplog.records and all(r.levelno == logging.DEBUG for r in caplog.records)
