"""The fast paths for the usual headers agree with the general rules on any input.

``extract`` first tries one fixed-length match for an exact version-00
``traceparent``, and ``TraceState.from_header`` one whole-header match for a
``tracestate`` without whitespace or empty members. Both fall back to the
general, member-by-member rules for everything else; these properties feed
both paths near-valid headers (where a fast path could be wrong) and check
that the result is exactly the general rules' result.
"""

from hypothesis import given
from hypothesis import strategies as st

from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
    _parse_traceparent,
)
from opentelemetry.trace import INVALID_SPAN_CONTEXT, SpanContext, TraceState
from opentelemetry.trace.trace_state import (
    _MAX_CANONICAL_LENGTH,
    _MAX_HEADER_LENGTH,
    _from_canonical_header,
    is_valid_key,
    is_valid_value,
)

FORMAT = TraceContextHTTPTextFormat()
HEX = "0123456789abcdef"
# What a mutation may bring in: each character tests one rule of a grammar.
TRICKY = HEX + "ABCDEFgz-_+ \t\u0660"
STATE_TRICKY = ",= \t@aA0~!\x7f\x1f*/_-"


def _hex(digits):
    return st.one_of(
        st.just("0" * digits),  # all zero: invalid for ids
        st.text(HEX, min_size=digits, max_size=digits),
        st.integers(1, 15).map(lambda low: "{:0{}x}".format(low, digits)),
    )


well_formed_traceparents = st.builds(
    lambda version, trace_id, span_id, flags, rest: f"{version}-{trace_id}-{span_id}-{flags}{rest}",
    st.one_of(st.just("00"), st.sampled_from(["01", "cc", "fe", "ff", "0A"]), _hex(2)),
    _hex(32),
    _hex(16),
    _hex(2),
    st.sampled_from(["", "", "", "-", "-00", "-xyz", " ", "\t", "0", "\n"]),
)


@st.composite
def mutated(draw, strings, alphabet):
    """A string with a few characters of ``alphabet`` replaced, inserted or deleted."""
    text = draw(strings)
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(alphabet))
        operation = draw(st.sampled_from(["replace", "insert", "delete"]))
        if operation == "insert":
            text = text[:index] + char + text[index:]
        elif operation == "replace":
            text = text[:index] + char + text[index + 1 :]
        else:
            text = text[:index] + text[index + 1 :]
    return text


@st.composite
def one_character_replaced(draw, strings):
    """A string with one character replaced: the nearest miss of a valid header."""
    text = draw(strings)
    index = draw(st.integers(0, max(0, len(text) - 1)))
    return text[:index] + draw(st.sampled_from(TRICKY)) + text[index + 1 :]


# The fast path's own domain, where a wrong verdict would hide best.
usual_traceparents = st.builds(
    "00-{}-{}-{}".format,
    st.text(HEX, min_size=32, max_size=32),
    st.text(HEX, min_size=16, max_size=16),
    st.text(HEX, min_size=2, max_size=2),
)
traceparents = st.one_of(
    usual_traceparents,
    one_character_replaced(usual_traceparents),
    one_character_replaced(usual_traceparents),
    well_formed_traceparents,
    mutated(well_formed_traceparents, TRICKY),
    st.text(alphabet=TRICKY, max_size=60),
)


def _by_general_rules(value):
    parsed = _parse_traceparent(value)
    return INVALID_SPAN_CONTEXT if parsed is None else SpanContext(*parsed)


@given(traceparents)
def test_traceparent_fast_path_agrees_with_the_general_rules(value):
    context = FORMAT.extract(lambda carrier, name: [value] if name == "traceparent" else [], None)
    expected = _by_general_rules(value)
    assert context == expected
    assert type(context.trace_options) is type(expected.trace_options)


def _near_misses(text, alphabet):
    """Every string one replacement, insertion or deletion away from ``text``."""
    for index in range(len(text) + 1):
        yield text[:index] + text[index + 1 :]
        for char in alphabet:
            yield text[:index] + char + text[index + 1 :]
            yield text[:index] + char + text[index:]


def test_traceparent_fast_path_agrees_on_every_near_miss_of_a_valid_value():
    for valid in (
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000001-0000000000000001-00",
    ):
        for value in _near_misses(valid, TRICKY):
            carrier = {"traceparent": [value]}
            context = FORMAT.extract(lambda c, name: c.get(name, []), carrier)
            assert context == _by_general_rules(value), value


# Few distinct keys, so that repeats are common.
keys = st.one_of(
    st.sampled_from(["a", "congo", "rojo", "t@s", "0@x", "k-_*/9"]),
    st.from_regex(r"\A[a-z][a-z0-9_\-*/]{0,8}\Z"),
    st.from_regex(r"\A[a-z0-9][a-z0-9_\-*/]{0,4}@[a-z][a-z0-9_\-*/]{0,4}\Z"),
)
values = st.one_of(
    st.sampled_from(["1", "t61rcWkgMzE", "00f067aa0ba902b7", "a b", "!~"]),
    st.from_regex(r"\A[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,8}[\x21-\x2b\x2d-\x3c\x3e-\x7e]\Z"),
)
valid_members = st.builds(lambda key, value: key + "=" + value, keys, values)
members = st.one_of(
    valid_members,
    valid_members,
    mutated(valid_members, STATE_TRICKY),
    st.sampled_from(["", " ", "\t", " a=1", "a=1 ", "a=1\t", "=1", "a=", "A=1", "a==1"]),
)
tracestates = st.one_of(
    st.lists(valid_members, max_size=34).map(",".join),
    st.lists(members, max_size=34).map(",".join),
    mutated(st.lists(valid_members, min_size=1, max_size=5).map(",".join), STATE_TRICKY),
    # Around the limit of 32 members, with distinct keys.
    st.integers(30, 34).map(lambda count: ",".join(f"k{i}={i}" for i in range(count))),
)


def _items_and_header(state):
    return list(state.items()), state.to_header()


@given(st.lists(tracestates, min_size=1, max_size=3))
def test_tracestate_fast_path_agrees_with_the_general_rules(lines):
    fast = TraceState.from_header(lines)
    general = TraceState._from_any_header(",".join(lines))
    assert _items_and_header(fast) == _items_and_header(general)


@given(st.lists(st.tuples(keys, values), min_size=1, max_size=32, unique_by=lambda kv: kv[0]))
def test_canonical_tracestate_round_trips_through_the_fast_path(entries):
    header = ",".join(key + "=" + value for key, value in entries)
    state = TraceState.from_header([header])
    assert list(state.items()) == entries
    assert state.to_header() == header


def test_tracestate_fast_path_agrees_on_every_near_miss_of_a_valid_header():
    valid = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,t0@s=a b,k-_*/9=~!"
    for header in _near_misses(valid, STATE_TRICKY):
        fast = TraceState.from_header([header])
        general = TraceState._from_any_header(header)
        assert _items_and_header(fast) == _items_and_header(general), header


def test_hostile_shapes_for_the_whole_header_match_finish_and_agree():
    # Each is as long as a header may be and still reach the whole-header
    # match, which must stop within 32 members whatever follows; a pattern
    # that backtracked across members would not finish.
    longest_member = "k" * 256 + "=" + "v" * 256
    headers = (
        ",".join([longest_member] * 33),
        ",".join([longest_member] * 32) + "x" * 15_000,
        ("a=" + " " * 255 + "b,") * 120 + "=",
        "a" * 240 + "@" + "b" * 32_000 + "=1",
        "a=1" + "," * 32_000,
        ("a=1," * 31) + "b=" + "\x7f" * 32_000,
    )
    for header in headers:
        assert len(header) <= _MAX_HEADER_LENGTH
        fast = TraceState.from_header([header])
        assert _items_and_header(fast) == _items_and_header(TraceState._from_any_header(header))


# The key and value patterns are written for speed (possessive repeats, and a
# value's last character checked by looking back); these read the ABNF of
# Trace Context Level 2 ("key", "value") one character at a time.
LCALPHA_DIGIT = "abcdefghijklmnopqrstuvwxyz0123456789"


def _key_by_the_grammar(text):
    """key = ( lcalpha / DIGIT ) 0*255( keychar );
    keychar = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"."""
    return (
        1 <= len(text) <= 256
        and text[0] in LCALPHA_DIGIT
        and all(c in LCALPHA_DIGIT + "_-*/@" for c in text[1:])
    )


def _is_nblk_chr(c):
    return "\x21" <= c <= "\x7e" and c not in ",="


def _value_by_the_grammar(text):
    """value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr."""
    return (
        1 <= len(text) <= 256
        and all(c == " " or _is_nblk_chr(c) for c in text)
        and _is_nblk_chr(text[-1])
    )


GRAMMAR_TRICKY = "az09_-*/@ A=,\t~!\x7f\x1f\u00e9"
near_the_grammar = st.one_of(
    st.text(GRAMMAR_TRICKY, max_size=12),
    st.integers(254, 258).map(lambda length: "k" * length),  # around the limit of 256
    mutated(st.text(LCALPHA_DIGIT, min_size=254, max_size=258), GRAMMAR_TRICKY),
    st.builds(
        lambda text, spaces: text + " " * spaces,
        st.text(GRAMMAR_TRICKY, max_size=8),
        st.integers(0, 3),
    ),
    st.integers(0, 3).map(lambda count: " " * count),
)


@given(near_the_grammar)
def test_key_and_value_patterns_accept_exactly_the_grammar(text):
    assert is_valid_key(text) == _key_by_the_grammar(text)
    assert is_valid_value(text) == _value_by_the_grammar(text)


def _maximal_header():
    """32 members of a 256-character key and a 256-character value: the longest valid header."""
    return ",".join("k{:02d}".format(i) + "k" * 253 + "=" + "v" * 256 for i in range(32))


def test_the_whole_header_match_reads_the_usual_headers_itself_and_keeps_their_text():
    # Not handed on to the general rules (which give the same entries, but
    # write the header again): the trace state keeps the very text it came in.
    assert len(_maximal_header()) == _MAX_CANONICAL_LENGTH
    for header in (
        "congo=t61rcWkgMzE",
        "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE",
        "a=1,b=2,c=3",
        ",".join("k{}={}".format(i, i) for i in range(32)),
        _maximal_header(),
    ):
        state = _from_canonical_header(header)
        assert state is not None, header[:40]
        assert list(state.items()) == [tuple(member.split("=")) for member in header.split(",")]
        assert state.to_header() is header
        assert TraceState.from_header([header]).to_header() is header
