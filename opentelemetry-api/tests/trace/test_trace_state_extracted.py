"""A trace state extracted from the usual header is a whole dict from the start."""

import json

import pytest

from opentelemetry.trace import TraceState

HEADER = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE"
ENTRIES = {"dd": "s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4", "congo": "t61rcWkgMzE"}


@pytest.mark.parametrize(
    "read, expected",
    [
        # These read the dict's storage from C, past any Python method.
        (json.dumps, json.dumps(ENTRIES)),
        (lambda state: list(dict.items(state)), list(ENTRIES.items())),
        (lambda state: dict.__len__(state), 2),
        (lambda state: dict.__repr__(state), repr(ENTRIES)),
    ],
)
def test_code_reading_the_dict_directly_sees_every_entry(read, expected):
    state = TraceState.from_header([HEADER])
    assert read(state) == expected


def test_passed_on_unchanged_it_sends_the_header_it_came_in():
    assert TraceState.from_header([HEADER]).to_header() == HEADER
