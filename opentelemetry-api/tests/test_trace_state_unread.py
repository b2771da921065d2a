"""A trace state extracted from the usual header parses its entries on first use, invisibly."""

import copy
import json
import pickle
import threading

import pytest

from opentelemetry.trace import TraceState
from opentelemetry.trace.trace_state import _from_canonical_header, _UnreadTraceState

HEADER = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE"
ENTRIES = [("dd", "s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4"), ("congo", "t61rcWkgMzE")]


def _unread():
    state = _from_canonical_header(HEADER)
    assert type(state) is _UnreadTraceState
    return state


def test_passing_it_on_reads_no_entry():
    state = _unread()
    assert state.to_header() == HEADER
    assert type(state) is _UnreadTraceState


@pytest.mark.parametrize(
    "read, expected",
    [
        (lambda s: dict(s), dict(ENTRIES)),
        (lambda s: list(s.items()), ENTRIES),
        (lambda s: list(s), ["dd", "congo"]),
        (lambda s: list(s.keys()), ["dd", "congo"]),
        (lambda s: list(s.values()), [v for _, v in ENTRIES]),
        (lambda s: len(s), 2),
        (lambda s: bool(s), True),
        (lambda s: "congo" in s, True),
        (lambda s: s["congo"], "t61rcWkgMzE"),
        (lambda s: s.get("missing", "x"), "x"),
        (lambda s: s == dict(ENTRIES), True),
        (lambda s: dict(ENTRIES) == s, True),
        (lambda s: s != dict(ENTRIES), False),
        (lambda s: {**s}, dict(ENTRIES)),
        (lambda s: list(reversed(s)), ["congo", "dd"]),
        (lambda s: repr(s), repr(dict(ENTRIES))),
        (lambda s: json.dumps(dict(s)), json.dumps(dict(ENTRIES))),
        (lambda s: dict(s.copy()), dict(ENTRIES)),
        (lambda s: dict(copy.copy(s)), dict(ENTRIES)),
        (lambda s: dict(pickle.loads(pickle.dumps(s))), dict(ENTRIES)),
        (lambda s: s | {"x": "1"}, dict(ENTRIES, x="1")),
        (lambda s: s.add("new", "v").to_header(), "new=v," + HEADER),
        (lambda s: s.update("congo", "2").to_header(), "congo=2,dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4"),
        (lambda s: s.delete("dd").to_header(), "congo=t61rcWkgMzE"),
    ],
)
def test_every_read_sees_the_entries(read, expected):
    state = _unread()
    assert read(state) == expected
    assert type(state) is TraceState  # parsed once, now a plain trace state
    assert state.to_header() == HEADER


def test_changes_in_place_see_the_entries_and_forget_the_header():
    state = _unread()
    state["new"] = "v"
    assert list(state) == ["dd", "congo", "new"]
    assert state.to_header() == HEADER + ",new=v"
    other = _unread()
    del other["dd"]
    assert other.to_header() == "congo=t61rcWkgMzE"
    third = _unread()
    assert third.pop("congo") == "t61rcWkgMzE" and third.to_header() == "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4"


def test_it_is_a_trace_state_and_a_dict():
    state = _unread()
    assert isinstance(state, TraceState) and isinstance(state, dict)


def test_threads_reading_at_once_all_see_the_entries():
    for _ in range(50):
        state = _unread()
        seen = []
        barrier = threading.Barrier(4)

        def read():
            barrier.wait(5)
            seen.append(list(state.items()))

        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(5)
        assert seen == [ENTRIES] * 4


@pytest.mark.parametrize(
    "header, unread",
    [
        ("a=1", True),
        ("a=1,b=2,c=3,d=4", True),
        ("a=1,b=2,c=3,d=4,e=5", False),
        ("a=1,b=2,a=3", False),
        ("a=1,b=2,ab=3,b=4", False),
        ("a=1, b=2", False),
    ],
)
def test_up_to_four_members_with_distinct_keys_wait_and_others_are_parsed(header, unread):
    state = TraceState.from_header([header])
    assert (type(state) is _UnreadTraceState) is unread
    assert state == TraceState.from_header([header.replace(" ", "") + ",zz=0"]).delete("zz")
