"""The trace state used as the ``dict`` it is (v0.3 code does): every way of changing it
in place checks entries and keeps the header it sends in step.
"""

import logging

import pytest

from opentelemetry.trace import TraceState


def test_setdefault_adds_a_missing_key_and_returns_the_value_kept():
    state = TraceState([("a", "1")])
    assert state.setdefault("b", "2") == "2"
    assert state.setdefault("a", "other") == "1"
    assert list(state.items()) == [("a", "1"), ("b", "2")]
    assert state.to_header() == "a=1,b=2"


def test_setdefault_without_a_value_adds_nothing_an_empty_value_is_invalid(caplog):
    state = TraceState([("a", "1")])
    with caplog.at_level(logging.WARNING):
        assert state.setdefault("b") == ""
    assert "b" not in state and state.to_header() == "a=1"
    assert caplog.records


def test_pop_returns_the_value_or_the_default_and_refreshes_the_header():
    state = TraceState([("a", "1"), ("b", "2")])
    assert state.to_header() == "a=1,b=2"
    assert state.pop("a") == "1"
    assert state.pop("missing", "fallback") == "fallback"
    with pytest.raises(KeyError):
        state.pop("missing")
    assert state.to_header() == "b=2"


def test_popitem_takes_the_last_entry_and_refreshes_the_header():
    state = TraceState([("a", "1"), ("b", "2")])
    assert state.to_header() == "a=1,b=2"
    assert state.popitem() == ("b", "2")
    assert state.to_header() == "a=1"


def test_clear_and_del_refresh_the_header():
    state = TraceState([("a", "1"), ("b", "2")])
    assert state.to_header() == "a=1,b=2"
    del state["a"]
    assert state.to_header() == "b=2"
    state.clear()
    assert state.to_header() == "" and len(state) == 0


def test_update_in_place_takes_a_mapping_pairs_or_keywords():
    state = TraceState([("a", "1")])
    assert state.update({"b": "2"}) is None
    state.update([("c", "3")])
    state.update(d="4")
    state.update({"e": "5"}, f="6")
    assert dict(state) == {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
    assert state.to_header() == "a=1,b=2,c=3,d=4,e=5,f=6"


@pytest.mark.parametrize("args", [("a", "1", "x"), ("a", "1", "x", "y")])
def test_update_with_more_than_two_positional_arguments_raises_type_error(args):
    with pytest.raises(TypeError, match=r"^update expected \(key, value\) or at most 1 mapping$"):
        TraceState().update(*args)


def test_update_with_a_key_a_value_and_keywords_raises_type_error():
    with pytest.raises(TypeError, match="at most 1 mapping"):
        TraceState().update("a", "1", b="2")


def test_in_place_or_adds_the_entries_and_refreshes_the_header():
    state = TraceState([("a", "1")])
    assert state.to_header() == "a=1"
    state |= {"b": "2"}
    assert type(state) is TraceState and dict(state) == {"a": "1", "b": "2"}
    assert state.to_header() == "a=1,b=2"
