"""TraceState: the ordered, immutable W3C tracestate and its header form."""

import logging

import pytest

from opentelemetry.trace import DEFAULT_TRACE_STATE, TraceState


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


def test_equality_is_dict_equality():
    assert TraceState([("a", "1"), ("b", "2")]) == {"b": "2", "a": "1"}
    assert TraceState([("a", "1")]) != TraceState([("a", "2")])
    # Neither holding more entries nor fewer is equal.
    assert TraceState([("a", "1"), ("b", "2")]) != TraceState([("a", "1")])
    assert TraceState([("a", "1")]) != TraceState([("a", "1"), ("b", "2")])


def test_repr_is_the_dict_of_entries():
    assert repr(TraceState()) == "{}"
    assert repr(TraceState([("a", "1")])) == "{'a': '1'}"


def test_get_default_is_a_new_empty_state():
    assert TraceState.get_default() is not TraceState.get_default()
    assert TraceState.get_default() == {}
    assert DEFAULT_TRACE_STATE == {}


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

def test_from_header_on_a_subclass_builds_that_subclass():
    class VendorTraceState(TraceState):
        __slots__ = ()

    for header in ("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", " rojo=00f067aa0ba902b7 ,"):
        state = VendorTraceState.from_header([header])
        assert type(state) is VendorTraceState
        assert state["rojo"] == "00f067aa0ba902b7"



@pytest.mark.parametrize(
    "values",
    [
        ["a=1,@b=2"],
        ["a=1", "b" * 257 + "=1"],
        ["a=1,B=2"],
        ["a=1,b"],
        ["a=1,b=x=y"],
        ["a=1,b="],
        ["a=1,b=\tx"],
    ],
)
def test_from_header_discards_the_whole_header_when_one_member_is_invalid(values, caplog):
    with caplog.at_level(logging.DEBUG, logger="opentelemetry.trace.trace_state"):
        assert TraceState.from_header(values) is DEFAULT_TRACE_STATE
    assert "Ignored tracestate" in caplog.text


@pytest.mark.parametrize(
    "values, expected",
    [
        (["a=1,a=2"], "a=1"),
        (["a=1", "a=1"], "a=1"),
        (["a=1,b=2,a=3,c=4"], "a=1,b=2,c=4"),
        (["a=1 , b=2", "b=3"], "a=1,b=2"),
    ],
)
def test_from_header_keeps_the_first_entry_of_a_repeated_key(values, expected, caplog):
    with caplog.at_level(logging.DEBUG, logger="opentelemetry.trace.trace_state"):
        assert TraceState.from_header(values).to_header() == expected
    assert "Dropped a repeat of tracestate key 'a'" in caplog.text or "'b'" in caplog.text


def test_from_header_ignores_values_that_are_not_strings():
    assert len(TraceState.from_header([b"a=1"])) == 0  # type: ignore[list-item]
    assert len(TraceState.from_header(["a=1", None])) == 0  # type: ignore[list-item]
    assert len(TraceState.from_header(None)) == 0  # type: ignore[arg-type]


def test_from_header_accepts_any_iterable_of_lines():
    state = TraceState.from_header(iter(["a=1", "b=2"]))
    assert dict(state) == {"a": "1", "b": "2"}


def test_from_header_rejects_an_oversized_header_unparsed():
    assert len(TraceState.from_header(["a=1," + " " * 40000])) == 0


def test_a_trace_state_is_a_dict_built_from_a_dict_pairs_or_keywords():
    assert isinstance(TraceState(), dict)
    assert TraceState({"a": "1"}) == TraceState([("a", "1")]) == TraceState(a="1") == {"a": "1"}
    assert dict(TraceState({"a": "1", "b": "2"})) == {"a": "1", "b": "2"}


def test_setting_an_item_checks_it_and_refreshes_the_header(caplog):
    state = TraceState([("a", "1")])
    assert state.to_header() == "a=1"
    state["b"] = "2"
    assert state.to_header() == "a=1,b=2"
    with caplog.at_level(logging.WARNING):
        state["Bad"] = "3"
        state["c"] = "x,y"
    assert state == {"a": "1", "b": "2"}
    assert len(caplog.records) == 2


def test_dict_changes_in_place_refresh_the_header():
    state = TraceState([("a", "1"), ("b", "2"), ("c", "3")])
    state.to_header()
    del state["a"]
    assert state.to_header() == "b=2,c=3"
    state.pop("b")
    assert state.to_header() == "c=3"
    state.update({"d": "4"})
    assert state.to_header() == "c=3,d=4"
    state.setdefault("e", "5")
    assert state.to_header() == "c=3,d=4,e=5"
    state.clear()
    assert state.to_header() == ""


def test_update_with_a_key_and_a_value_returns_a_copy_and_with_a_mapping_changes_in_place():
    state = TraceState([("a", "1")])
    assert state.update("b", "2") == {"b": "2", "a": "1"}
    assert state == {"a": "1"}
    assert state.update({"b": "2"}) is None
    assert state == {"a": "1", "b": "2"}


def test_setting_a_33rd_entry_is_ignored_with_a_warning(caplog):
    state = TraceState(("k{}".format(i), str(i)) for i in range(32))
    with caplog.at_level(logging.WARNING):
        state["new"] = "v"
    assert "new" not in state and len(state) == 32


def test_the_shared_default_trace_state_ignores_changes_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        DEFAULT_TRACE_STATE["a"] = "1"
        DEFAULT_TRACE_STATE.update({"b": "2"})
    assert DEFAULT_TRACE_STATE == {}
    assert "shared empty trace state" in caplog.text


def test_copies_and_pickles_keep_entries_and_header():
    import copy
    import pickle

    state = TraceState([("a", "1"), ("b", "2")])
    for clone in (copy.copy(state), copy.deepcopy(state), pickle.loads(pickle.dumps(state))):
        assert type(clone) is TraceState
        assert list(clone.items()) == [("a", "1"), ("b", "2")]
        assert clone.to_header() == "a=1,b=2"
    assert copy.copy(TraceState()).to_header() == ""
