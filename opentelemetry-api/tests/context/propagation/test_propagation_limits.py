"""W3C Trace Context limits, each tested exactly at the bound and one past it.

The ``traceparent`` cap (512 characters), the combined ``tracestate`` cap
(32 KiB), the longest list member (a 256-character key and value), the 32
members, the flags' reserved bits, the whitespace the grammar allows (SP and
HTAB, nothing else) and header values that are not text.
"""

import logging

import pytest

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
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
VERSION_00 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
# A later version may append fields: "-" and more, up to the 512-character cap.
LATER_VERSION = "cc" + VERSION_00[2:]


def extract(traceparent, tracestate=None):
    headers = {"traceparent": traceparent, "tracestate": tracestate}
    return FORMAT.extract(lambda carrier, name: carrier[name], headers)


def inject(context):
    carrier = {}
    FORMAT.inject(DefaultSpan(context), dict.__setitem__, carrier)
    return carrier


def later_version_of_length(length):
    return LATER_VERSION + "-" + "x" * (length - len(LATER_VERSION) - 1)


# -- traceparent ----------------------------------------------------------


def test_traceparent_of_exactly_512_characters_is_read_and_513_is_not():
    at_cap = extract([later_version_of_length(512)])
    assert (at_cap.trace_id, at_cap.span_id) == (TRACE_ID, SPAN_ID)
    assert extract([later_version_of_length(513)]) is INVALID_SPAN_CONTEXT


@pytest.mark.parametrize("whitespace", [" ", "\t", " \t "])
def test_spaces_and_tabs_around_the_traceparent_are_ignored(whitespace):
    context = extract([whitespace + VERSION_00 + whitespace])
    assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)


@pytest.mark.parametrize("whitespace", ["\n", "\r", "\x0b", "\x0c", "\u00a0", "\u3000"])
def test_other_whitespace_around_the_traceparent_makes_it_invalid(whitespace):
    assert extract([whitespace + VERSION_00]) is INVALID_SPAN_CONTEXT
    assert extract([VERSION_00 + whitespace]) is INVALID_SPAN_CONTEXT


@pytest.mark.parametrize("value", [VERSION_00.encode(), bytearray(VERSION_00.encode()), 7, None])
def test_traceparent_value_that_is_not_a_str_is_ignored_without_a_warning(value, caplog):
    with caplog.at_level(logging.WARNING):
        assert extract([value]) is INVALID_SPAN_CONTEXT
    assert caplog.records == []


def test_missing_traceparent_logs_nothing_at_warning_level(caplog):
    with caplog.at_level(logging.WARNING):
        for missing in (None, [], ()):
            assert extract(missing, ["foo=1"]) is INVALID_SPAN_CONTEXT
    assert caplog.records == []


@pytest.mark.parametrize("flags", ["00", "01", "02", "03", "fe", "ff", "80", "81"])
def test_only_the_sampled_bit_of_incoming_flags_is_kept(flags):
    context = extract([VERSION_00[:-2] + flags])
    assert context.trace_options == int(flags, 16) & TraceOptions.SAMPLED


@pytest.mark.parametrize("options", [0, 1, 2, 3, 0x80, 0x81, 0xFE, 0xFF])
def test_inject_sends_only_the_sampled_bit_of_the_flags(options):
    carrier = inject(SpanContext(TRACE_ID, SPAN_ID, TraceOptions(options)))
    assert carrier["traceparent"] == VERSION_00[:-2] + "{:02x}".format(options & 1)


# -- tracestate -----------------------------------------------------------


def header_of_length(length, members="a=1,b=2"):
    """A valid combined tracestate of exactly ``length`` characters: members, then spaces."""
    return members + " " * (length - len(members))


@pytest.mark.parametrize("lines", [1, 3])
def test_tracestate_of_exactly_32_kib_is_read_and_one_more_character_is_not(lines):
    at_cap = header_of_length(32 * 1024)
    # Split over several lines, the commas joining them count too.
    split = [at_cap[: -(lines - 1) or None]] + [""] * (lines - 1)
    assert len(",".join(split)) == 32 * 1024
    assert dict(TraceState.from_header(split)) == {"a": "1", "b": "2"}
    assert dict(TraceState.from_header([header_of_length(32 * 1024 + 1)])) == {}


def test_list_member_of_a_256_character_key_and_value_is_read_and_longer_ones_are_not():
    key, value = "k" * 256, "v" * 256
    for header in (key + "=" + value, " " + key + "=" + value + " ,"):  # both parsing paths
        assert dict(TraceState.from_header([header])) == {key: value}
    for too_long in ("k" * 257 + "=v", "k=" + "v" * 257):
        assert dict(TraceState.from_header([too_long])) == {}
        assert dict(TraceState.from_header([too_long + " ,"])) == {}


@pytest.mark.parametrize("path", ["canonical", "with spaces"])
def test_32_list_members_are_read_and_33_discard_the_header(path):
    def header(count):
        members = ["k{}=v".format(i) for i in range(count)]
        return (", " if path == "with spaces" else ",").join(members)

    assert len(TraceState.from_header([header(32)])) == 32
    assert dict(TraceState.from_header([header(33)])) == {}


@pytest.mark.parametrize("whitespace", [" ", "\t", " \t"])
def test_spaces_and_tabs_around_list_members_are_ignored(whitespace):
    header = whitespace + "a=1" + whitespace + "," + whitespace + "b=2" + whitespace
    assert list(TraceState.from_header([header]).items()) == [("a", "1"), ("b", "2")]


@pytest.mark.parametrize("whitespace", ["\n", "\r", "\x0b", "\x0c", "\u00a0"])
def test_other_whitespace_around_a_list_member_discards_the_header(whitespace):
    assert dict(TraceState.from_header(["a=1" + whitespace + ",b=2"])) == {}
    assert dict(TraceState.from_header([whitespace + "a=1,b=2"])) == {}


@pytest.mark.parametrize("value", [b"foo=1", 7, None, ["foo=1"]])
def test_tracestate_line_that_is_not_a_str_is_ignored_and_the_traceparent_kept(value):
    context = extract([VERSION_00], [value])
    assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)
    assert dict(context.trace_state) == {}


def test_the_header_of_a_parsed_trace_state_is_the_one_received():
    for header in ("a=1,b=2", "a=1 , b=2", "b=2,,a=1"):
        state = TraceState.from_header([header])
        assert state.to_header() == ",".join("{}={}".format(*item) for item in state.items())


# -- trace state built in code ----------------------------------------------


def full_state():
    return TraceState(("k{}".format(i), "v") for i in range(32))


def test_adding_to_a_full_state_keeps_32_entries_the_new_one_first():
    added = full_state().add("new", "1")
    assert len(added) == 32
    assert list(added)[:2] == ["new", "k0"] and "k31" not in added and "k30" in added


def test_updating_a_key_of_a_full_state_keeps_every_entry():
    updated = full_state().update("k31", "changed")
    assert len(updated) == 32
    assert list(updated.items())[0] == ("k31", "changed") and "k30" in updated


def test_adding_to_a_state_of_31_entries_drops_nothing():
    state = TraceState(("k{}".format(i), "v") for i in range(31))
    added = state.add("new", "1")
    assert len(added) == 32 and "k30" in added


@pytest.mark.parametrize("method", ["add", "update"])
def test_adding_to_the_empty_state_gives_a_state_of_that_one_entry(method):
    changed = getattr(TraceState(), method)("key", "value")
    assert list(changed.items()) == [("key", "value")]
    assert changed.to_header() == "key=value"


def test_a_trace_state_is_built_from_the_items_of_a_mapping():
    assert list(TraceState({"a": "1", "b": "2"}).items()) == [("a", "1"), ("b", "2")]


# -- work done on hostile input ---------------------------------------------


class CountingPattern:
    """Wraps a compiled pattern and counts the characters handed to it."""

    def __init__(self, pattern):
        self._pattern = pattern
        self.characters = 0

    def match(self, string, *args):
        self.characters += len(string)
        return self._pattern.match(string, *args)

    def fullmatch(self, string, *args):
        self.characters += len(string)
        return self._pattern.fullmatch(string, *args)


@pytest.fixture
def pattern_work(monkeypatch):
    """Every pattern the two parsers use, counting; returns the total characters matched."""
    from opentelemetry.context.propagation import tracecontexthttptextformat
    from opentelemetry.trace import trace_state

    counters = []
    for module in (tracecontexthttptextformat, trace_state):
        for name, value in list(vars(module).items()):
            if name.endswith("_PATTERN") and hasattr(value, "fullmatch"):
                counters.append(CountingPattern(value))
                monkeypatch.setattr(module, name, counters[-1])
    assert len(counters) >= 4
    return lambda: sum(counter.characters for counter in counters)


def test_input_past_the_caps_is_refused_before_any_pattern_reads_it(pattern_work):
    megabyte = "a" * 1_000_000
    assert extract([megabyte]) is INVALID_SPAN_CONTEXT
    assert extract([later_version_of_length(513)]) is INVALID_SPAN_CONTEXT
    assert dict(extract([VERSION_00], [megabyte]).trace_state) == {}
    assert dict(extract([VERSION_00], ["a=1"] * 100_000).trace_state) == {}
    # Only the one valid traceparent (twice: two extracts) was read.
    assert pattern_work() <= 2 * 2 * len(VERSION_00)


def test_input_at_the_caps_is_read_a_bounded_number_of_times(pattern_work):
    tracestate = ", ".join("k{}={}".format(i, "v" * 200) for i in range(32))
    context = extract([later_version_of_length(512)], [tracestate])
    assert len(context.trace_state) == 32
    assert pattern_work() <= 3 * (512 + len(tracestate))


# -- getters of every shape -------------------------------------------------


def test_getter_returning_bare_strings_gives_ids_and_trace_state():
    headers = {"traceparent": VERSION_00, "tracestate": "a=1,b=2"}
    context = FORMAT.extract(lambda carrier, name: carrier[name], headers)
    assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)
    assert list(context.trace_state.items()) == [("a", "1"), ("b", "2")]


@pytest.mark.parametrize("traceparent", [VERSION_00, " " + VERSION_00, later_version_of_length(80)])
def test_tracestate_over_several_lines_is_combined_whatever_the_traceparent_path(traceparent):
    context = extract((traceparent,), ("a=1", "b=2 ", " c=3"))
    assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)
    assert list(context.trace_state.items()) == [("a", "1"), ("b", "2"), ("c", "3")]


@pytest.mark.parametrize("tracestate", [["a=1"], ["a=1 "], ("a=1",), "a=1"])
def test_one_tracestate_line_is_read_whatever_its_container(tracestate):
    context = extract([VERSION_00], tracestate)
    assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)
    assert dict(context.trace_state) == {"a": "1"}


@pytest.mark.parametrize(
    "traceparent, tracestate",
    [
        ([VERSION_00], None),  # the usual header, no trace state
        ([VERSION_00], ["a=1"]),  # the usual pair
        ([VERSION_00], ["a=1", "b=2"]),  # trace state over two lines
        ([" " + VERSION_00], ["a=1 "]),  # the general rules for both
        ([" " + VERSION_00], None),
    ],
)
def test_an_extracted_context_is_remote_whichever_path_reads_it(traceparent, tracestate):
    context = extract(traceparent, tracestate)
    assert context.is_remote is True
    assert context.trace_options == TraceOptions.SAMPLED and context.trace_options.sampled


def test_inject_of_a_plain_dict_trace_state_sends_its_valid_entries():
    # v0.3 code may build span contexts with a plain dict as the trace state.
    context = SpanContext(TRACE_ID, SPAN_ID, TraceOptions(1), {"a": "1", "bad key": "x", "b": "2"})
    assert inject(context)["tracestate"] == "a=1,b=2"
