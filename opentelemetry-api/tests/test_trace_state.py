"""TraceState: the ordered, immutable W3C tracestate and its header form."""

import logging

import pytest

from opentelemetry.trace import TraceState


def test_entries_keep_their_order():
    state = TraceState([("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")])
    assert list(state.items()) == [("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]
    assert state["congo"] == "t61rcWkgMzE"
    assert len(state) == 2


def test_construction_drops_invalid_and_duplicate_entries_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        state = TraceState([("ok", "1"), ("Bad", "2"), ("ok", "3"), ("v", "a,b")])
    assert dict(state) == {"ok": "1"}
    assert len(caplog.records) == 3


def test_construction_keeps_the_first_32_entries():
    state = TraceState(("k{}".format(i), str(i)) for i in range(40))
    assert len(state) == 32
    assert list(state)[-1] == "k31"


def test_update_moves_the_key_to_the_front_and_keeps_the_others_in_order():
    state = TraceState([("a", "1"), ("b", "2"), ("c", "3")])
    updated = state.update("b", "20")
    assert list(updated.items()) == [("b", "20"), ("a", "1"), ("c", "3")]
    assert list(state.items()) == [("a", "1"), ("b", "2"), ("c", "3")]


def test_add_puts_a_new_key_in_front_and_leaves_an_existing_key_alone(caplog):
    state = TraceState([("a", "1")])
    assert list(state.add("b", "2").items()) == [("b", "2"), ("a", "1")]
    with caplog.at_level(logging.WARNING):
        assert state.add("a", "9") is state
    assert "exists" in caplog.text


def test_delete_removes_only_that_key():
    state = TraceState([("a", "1"), ("b", "2"), ("c", "3")])
    assert list(state.delete("b").items()) == [("a", "1"), ("c", "3")]
    assert state.delete("zzz") is state


def test_invalid_changes_are_ignored_with_a_warning(caplog):
    state = TraceState([("a", "1")])
    with caplog.at_level(logging.WARNING):
        assert state.update("A", "1") is state
        assert state.add("b", "x=y") is state
    assert len(caplog.records) == 2


def test_adding_to_a_full_state_drops_the_last_entry_with_a_warning(caplog):
    state = TraceState(("k{}".format(i), str(i)) for i in range(32))
    with caplog.at_level(logging.WARNING):
        grown = state.add("new", "v")
    assert len(grown) == 32
    assert list(grown)[0] == "new"
    assert "k31" not in grown and "k30" in grown
    assert "k31" in caplog.text


def test_equality_is_ordered_and_works_with_plain_mappings():
    assert TraceState([("a", "1"), ("b", "2")]) == {"a": "1", "b": "2"}
    assert TraceState([("a", "1"), ("b", "2")]) != TraceState([("b", "2"), ("a", "1")])
    assert hash(TraceState([("a", "1")])) == hash(TraceState([("a", "1")]))


def test_repr_is_the_dict_of_entries():
    assert repr(TraceState()) == "{}"
    assert repr(TraceState([("a", "1")])) == "{'a': '1'}"


def test_get_default_is_the_shared_empty_state():
    assert TraceState.get_default() is TraceState.get_default()
    assert len(TraceState.get_default()) == 0


def test_to_header_joins_members_with_commas():
    state = TraceState([("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")])
    assert state.to_header() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
    assert state.to_header() is state.to_header()
    assert TraceState().to_header() == ""


def test_from_header_reads_members_in_order():
    state = TraceState.from_header(["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"])
    assert list(state.items()) == [("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]


def test_from_header_round_trips_to_header():
    header = "a=1,b@c=x y,d=!\"#"
    assert TraceState.from_header([header]).to_header() == header


@pytest.mark.parametrize(
    "values",
    [
        ["a=1,a=2"],
        ["a=1", "a=1"],
        ["a=1,B=2"],
        ["a=1,b"],
        ["a=1,b=x=y"],
        ["a=1,b="],
        ["a=1,b=\tx"],
    ],
)
def test_from_header_discards_the_whole_header_when_one_member_is_invalid(values, caplog):
    with caplog.at_level(logging.DEBUG, logger="opentelemetry.trace.trace_state"):
        assert TraceState.from_header(values) is TraceState.get_default()
    assert "Ignored tracestate" in caplog.text


def test_from_header_ignores_values_that_are_not_strings():
    assert len(TraceState.from_header([b"a=1"])) == 0  # type: ignore[list-item]
    assert len(TraceState.from_header(["a=1", None])) == 0  # type: ignore[list-item]
    assert len(TraceState.from_header(None)) == 0  # type: ignore[arg-type]


def test_from_header_accepts_any_iterable_of_lines():
    state = TraceState.from_header(iter(["a=1", "b=2"]))
    assert dict(state) == {"a": "1", "b": "2"}


def test_from_header_rejects_an_oversized_header_unparsed():
    assert len(TraceState.from_header(["a=1," + " " * 40000])) == 0
