"""B3Format: Zipkin's multi-header and single-header propagation."""

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opentelemetry import trace
from opentelemetry.sdk.context.propagation import B3Format
from opentelemetry.sdk.context.propagation.b3_format import format_span_id, format_trace_id
from opentelemetry.sdk.trace import TracerSource

FORMAT = B3Format()
TRACE_ID = "463ac35c9f6413ad48485a3953bb6124"
SPAN_ID = "a2fb4a1d1a96d312"
PARENT_ID = "0020000000000001"


def getter(carrier, name):
    """Case-insensitive, as HTTP header lookup is."""
    return [value for key, value in carrier.items() if key.lower() == name]


def extract(**headers):
    return FORMAT.extract(getter, {key.replace("_", "-"): value for key, value in headers.items()})


def test_header_names_are_lower_case_class_constants():
    assert (
        B3Format.SINGLE_HEADER_KEY,
        B3Format.TRACE_ID_KEY,
        B3Format.SPAN_ID_KEY,
        B3Format.PARENT_SPAN_ID_KEY,
        B3Format.SAMPLED_KEY,
        B3Format.FLAGS_KEY,
    ) == ("b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags")


def test_format_helpers_write_fixed_width_lower_hex():
    assert format_trace_id(0xABC) == "00000000000000000000000000000abc"
    assert format_span_id(0xABC) == "0000000000000abc"


def test_multiple_headers_are_extracted():
    context = extract(**{"X-B3-TraceId": TRACE_ID, "X-B3-SpanId": SPAN_ID, "X-B3-Sampled": "1"})
    assert context.trace_id == int(TRACE_ID, 16)
    assert context.span_id == int(SPAN_ID, 16)
    assert context.trace_options.sampled


def test_64_bit_trace_id_is_padded_to_128_bits():
    context = extract(**{"X-B3-TraceId": "48485a3953bb6124", "X-B3-SpanId": SPAN_ID})
    assert context.trace_id == 0x48485A3953BB6124
    carrier = {}
    FORMAT.inject(trace.DefaultSpan(context), dict.__setitem__, carrier)
    assert carrier["x-b3-traceid"] == "000000000000000048485a3953bb6124"


@pytest.mark.parametrize(
    "sampled, expected",
    [("1", True), ("0", False), ("true", True), ("false", False), ("True", True), ("d", True)],
)
def test_sampled_header_accepts_1_0_and_legacy_true_false(sampled, expected):
    context = extract(**{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": sampled})
    assert context.trace_options.sampled is expected


def test_missing_sampled_header_reads_as_not_sampled_as_in_v03():
    context = extract(**{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID})
    assert context.is_valid() and not context.trace_options.sampled


def test_single_header_without_a_sampling_state_defers_and_reads_as_sampled_as_in_v03():
    context = extract(b3="{}-{}".format(TRACE_ID, SPAN_ID))
    assert context.is_valid() and context.trace_options.sampled


def test_unknown_sampled_value_reads_as_not_sampled(caplog):
    with caplog.at_level(logging.DEBUG):
        context = extract(**{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "yes"})
    assert not context.trace_options.sampled
    assert "not sampled" in caplog.text


def test_debug_flag_implies_sampled():
    context = extract(**{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-flags": "1"})
    assert context.trace_options.sampled
    context = extract(
        **{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-flags": "1", "x-b3-sampled": "0"}
    )
    assert context.trace_options.sampled


def test_first_value_of_a_repeated_header_wins():
    context = FORMAT.extract(
        lambda c, n: c.get(n, []),
        {"x-b3-traceid": [TRACE_ID, "1" * 32], "x-b3-spanid": [SPAN_ID, "2" * 16]},
    )
    assert context.trace_id == int(TRACE_ID, 16) and context.span_id == int(SPAN_ID, 16)


@pytest.mark.parametrize(
    "trace_id, span_id",
    [
        (TRACE_ID.upper(), SPAN_ID),
        (TRACE_ID, SPAN_ID.upper()),
        (TRACE_ID[:-1], SPAN_ID),
        (TRACE_ID[:20], SPAN_ID),
        (TRACE_ID, SPAN_ID + "0"),
        ("0" * 32, SPAN_ID),
        (TRACE_ID, "0" * 16),
        ("-" + TRACE_ID[1:], SPAN_ID),
        (None, SPAN_ID),
        (TRACE_ID, None),
    ],
)
def test_malformed_or_missing_ids_give_the_invalid_context(trace_id, span_id):
    headers = {}
    if trace_id is not None:
        headers["x-b3-traceid"] = trace_id
    if span_id is not None:
        headers["x-b3-spanid"] = span_id
    assert FORMAT.extract(getter, headers) is trace.INVALID_SPAN_CONTEXT


@pytest.mark.parametrize(
    "value, sampled",
    [
        ("{}-{}".format(TRACE_ID, SPAN_ID), True),
        ("{}-{}-1".format(TRACE_ID, SPAN_ID), True),
        ("{}-{}-0".format(TRACE_ID, SPAN_ID), False),
        ("{}-{}-d".format(TRACE_ID, SPAN_ID), True),
        ("{}-{}-1-{}".format(TRACE_ID, SPAN_ID, PARENT_ID), True),
        ("{}-{}-1".format(TRACE_ID[16:], SPAN_ID), True),
        (" {}-{}-1 ".format(TRACE_ID, SPAN_ID), True),
    ],
)
def test_single_header_is_extracted(value, sampled):
    context = extract(b3=value)
    assert context.trace_id == int(value.strip().split("-")[0], 16)
    assert context.span_id == int(SPAN_ID, 16)
    assert context.trace_options.sampled is sampled


def test_single_header_takes_precedence_over_multiple_headers():
    context = extract(
        b3="{}-{}-1".format(TRACE_ID, SPAN_ID),
        **{"x-b3-traceid": "1" * 32, "x-b3-spanid": "2" * 16, "x-b3-sampled": "0"},
    )
    assert context.trace_id == int(TRACE_ID, 16) and context.trace_options.sampled


def test_invalid_single_header_falls_back_to_multiple_headers(caplog):
    with caplog.at_level(logging.DEBUG):
        context = extract(b3="garbage", **{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID})
    assert context.trace_id == int(TRACE_ID, 16)
    assert "Ignored b3 header" in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "1",
        "d",
        "{}-{}-2".format(TRACE_ID, SPAN_ID),
        "{}-{}-1-{}".format(TRACE_ID, SPAN_ID, PARENT_ID[:-1]),
        "{}-{}-1-{}-".format(TRACE_ID, SPAN_ID, PARENT_ID),
        "{}-{}".format("0" * 32, SPAN_ID),
        "{}-{}-1".format(TRACE_ID.upper(), SPAN_ID),
        "{}-{}".format(TRACE_ID, SPAN_ID) + "x" * 100_000,
        "{}-{}-1-{}".format(TRACE_ID, SPAN_ID, PARENT_ID) + "0",  # 69 characters, one too many
        # Only SP and HTAB are optional whitespace around a header value.
        "{}-{}-1\n".format(TRACE_ID, SPAN_ID),
        "\v{}-{}-1".format(TRACE_ID, SPAN_ID),
        "X{}-{}-1X".format(TRACE_ID, SPAN_ID),
    ],
)
def test_single_header_without_a_valid_context_gives_the_invalid_context(value):
    assert extract(b3=value) is trace.INVALID_SPAN_CONTEXT


def test_inject_writes_multiple_headers_with_the_parent_span_id():
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(__name__)
    with tracer.start_as_current_span("parent") as parent:
        with tracer.start_as_current_span("child") as child:
            carrier = {}
            FORMAT.inject(child, dict.__setitem__, carrier)
    assert carrier == {
        "x-b3-traceid": format_trace_id(child.get_context().trace_id),
        "x-b3-spanid": format_span_id(child.get_context().span_id),
        "x-b3-parentspanid": format_span_id(parent.get_context().span_id),
        "x-b3-sampled": "1",
    }


def test_inject_reads_the_parent_span_id_of_a_remote_parent():
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(__name__)
    remote = extract(**{"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "1"})
    with tracer.start_as_current_span("server", parent=remote) as span:
        carrier = {}
        FORMAT.inject(span, dict.__setitem__, carrier)
    assert carrier["x-b3-traceid"] == TRACE_ID
    assert carrier["x-b3-parentspanid"] == SPAN_ID
    assert carrier["x-b3-spanid"] != SPAN_ID


def test_inject_of_a_root_or_api_span_writes_no_parent_and_sampled_0():
    carrier = {}
    FORMAT.inject(trace.DefaultSpan(trace.SpanContext(1, 2)), dict.__setitem__, carrier)
    assert carrier == {
        "x-b3-traceid": format_trace_id(1),
        "x-b3-spanid": format_span_id(2),
        "x-b3-sampled": "0",
    }


def test_inject_of_an_invalid_span_writes_nothing():
    carrier = {}
    FORMAT.inject(trace.INVALID_SPAN, dict.__setitem__, carrier)
    assert carrier == {}


def test_broken_getter_and_setter_are_logged_not_raised(caplog):
    def broken(*args):
        raise RuntimeError("broken")

    with caplog.at_level(logging.WARNING):
        assert FORMAT.extract(broken, {}) is trace.INVALID_SPAN_CONTEXT
        FORMAT.inject(trace.DefaultSpan(trace.SpanContext(1, 2)), broken, {})
    assert "Extracting the B3 context failed" in caplog.text
    assert "Injecting the B3 context failed" in caplog.text


header_text = st.one_of(
    st.text(max_size=100),
    st.text(alphabet="0123456789abcdefABCDEF-d ", max_size=100),
)


@given(st.dictionaries(st.sampled_from(["b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"]), st.lists(header_text, max_size=3)))
def test_extract_of_arbitrary_headers_never_raises(headers):
    context = FORMAT.extract(lambda c, n: c.get(n), headers)
    assert context is trace.INVALID_SPAN_CONTEXT or context.is_valid()


@given(
    st.integers(1, 2**128 - 1), st.integers(1, 2**64 - 1), st.integers(0, 255), st.booleans()
)
def test_inject_then_extract_round_trips(trace_id, span_id, flags, single_header):
    context = trace.SpanContext(trace_id, span_id, trace.TraceOptions(flags))
    carrier = {}
    B3Format(single_header=single_header).inject(
        trace.DefaultSpan(context), dict.__setitem__, carrier
    )
    # B3 carries the sampled bit only: every other flag bit is left behind.
    sampled = flags & trace.TraceOptions.SAMPLED
    if single_header:
        assert carrier[FORMAT.SINGLE_HEADER_KEY].endswith("-{}".format(sampled))
    else:
        assert carrier[FORMAT.SAMPLED_KEY] == str(sampled)
    assert FORMAT.extract(getter, carrier) == trace.SpanContext(
        trace_id, span_id, trace.TraceOptions(sampled)
    )


def test_extract_and_inject_work_through_the_class_as_in_v03():
    carrier = {}
    context = trace.SpanContext(int(TRACE_ID, 16), int(SPAN_ID, 16), trace.TraceOptions(1))
    B3Format.inject(trace.DefaultSpan(context), dict.__setitem__, carrier)
    assert B3Format.extract(lambda c, n: [c[n]] if n in c else [], carrier) == context


def test_inject_with_no_current_span_writes_nothing_and_logs_nothing(caplog):
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(__name__)
    carrier = {}
    with caplog.at_level(logging.DEBUG):
        B3Format.inject(tracer.get_current_span(), dict.__setitem__, carrier)

    assert carrier == {} and caplog.records == []


def test_the_longest_single_header_of_68_characters_is_extracted():
    value = "{}-{}-1-{}".format(TRACE_ID, SPAN_ID, PARENT_ID)
    assert len(value) == 68
    assert extract(b3=value).trace_id == int(TRACE_ID, 16)


def test_ids_surrounded_by_spaces_and_tabs_are_extracted():
    context = extract(
        **{"x-b3-traceid": "\t" + TRACE_ID + " ", "x-b3-spanid": " " + SPAN_ID, "x-b3-sampled": "1\t"}
    )
    assert (context.trace_id, context.span_id) == (int(TRACE_ID, 16), int(SPAN_ID, 16))
    assert context.trace_options.sampled


def test_a_getter_returning_a_plain_string_is_read_as_one_value():
    headers = {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "1"}
    context = B3Format().extract(lambda carrier, name: carrier.get(name), headers)
    assert (context.trace_id, context.span_id) == (int(TRACE_ID, 16), int(SPAN_ID, 16))
    assert context.trace_options.sampled
    single = B3Format().extract(lambda carrier, name: carrier.get(name), {"b3": "{}-{}-0".format(TRACE_ID, SPAN_ID)})
    assert single.span_id == int(SPAN_ID, 16) and not single.trace_options.sampled


@pytest.mark.parametrize(
    "headers",
    [
        {"b3": "{}-{}-1".format(TRACE_ID, SPAN_ID)},
        {"b3": "{}-{}".format(TRACE_ID, SPAN_ID)},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-flags": "1"},
    ],
)
def test_extracted_contexts_are_remote(headers):
    assert B3Format().extract(getter, headers).is_remote is True


@pytest.mark.parametrize(
    "headers",
    [
        {"x-b3-spanid": SPAN_ID},
        {"x-b3-traceid": TRACE_ID},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "1"},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "0"},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "true"},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "False"},
        {"x-b3-traceid": TRACE_ID, "x-b3-spanid": SPAN_ID, "x-b3-sampled": "d"},
        {"b3": "{}-{}-1".format(TRACE_ID, SPAN_ID)},
    ],
)
def test_well_formed_or_merely_incomplete_headers_log_nothing(caplog, headers):
    with caplog.at_level(logging.DEBUG):
        B3Format().extract(getter, headers)
    assert caplog.records == []


# -- the single b3 header on inject ------------------------------------------------------


def test_by_default_inject_writes_the_x_b3_headers():
    propagator = B3Format()
    carrier = {}
    propagator.inject(trace.DefaultSpan(trace.SpanContext(1, 2)), dict.__setitem__, carrier)
    assert propagator.single_header is False
    assert sorted(carrier) == ["x-b3-sampled", "x-b3-spanid", "x-b3-traceid"]


@pytest.mark.parametrize("sampled, flag", [(True, "1"), (False, "0")])
def test_single_header_inject_writes_one_b3_header_with_the_sampling_state(sampled, flag):
    propagator = B3Format(single_header=True)
    context = trace.SpanContext(0x48485A3953BB6124, 0xB, trace.TraceOptions(int(sampled)))
    carrier = {}
    propagator.inject(trace.DefaultSpan(context), dict.__setitem__, carrier)
    assert propagator.single_header is True
    assert carrier == {"b3": "000000000000000048485a3953bb6124-000000000000000b-" + flag}
    assert propagator.extract(getter, carrier) == context


def test_only_true_turns_the_single_header_on():
    propagator = B3Format(single_header="yes")  # type: ignore[arg-type]
    carrier = {}
    propagator.inject(trace.DefaultSpan(trace.SpanContext(1, 2)), dict.__setitem__, carrier)
    assert propagator.single_header is False and "b3" not in carrier


def test_single_header_inject_of_an_invalid_span_writes_nothing():
    carrier = {}
    B3Format(single_header=True).inject(trace.INVALID_SPAN, dict.__setitem__, carrier)
    assert carrier == {}


def test_single_header_inject_logs_a_broken_setter_instead_of_raising(caplog):
    def broken(*args):
        raise RuntimeError("broken")

    with caplog.at_level(logging.WARNING):
        B3Format(single_header=True).inject(trace.DefaultSpan(trace.SpanContext(1, 2)), broken, {})
    assert "Injecting the B3 context failed" in caplog.text
