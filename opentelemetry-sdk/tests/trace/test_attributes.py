"""Span attributes: which values are kept, in what form, and what is dropped."""

import enum
import logging
from collections.abc import Mapping
from unittest.mock import Mock

import pytest

from opentelemetry import trace as trace_api



class _Color(enum.IntEnum):
    RED = 1


class _Key(str, enum.Enum):
    METHOD = "http.method"


class _Text(str):
    pass


@pytest.mark.parametrize("value", ["text", "", True, False, 0, -7, 2**70, 1.5, float("inf")])
def test_scalar_values_are_kept_with_their_exact_type(tracer, value):
    span = tracer.start_span("s")
    span.set_attribute("k", value)
    assert span.attributes["k"] == value
    assert type(span.attributes["k"]) is type(value)


def test_bool_stays_bool_and_int_stays_int(tracer):
    span = tracer.start_span("s", attributes={"flag": True, "count": 1})
    span.set_attribute("other_flag", False)
    assert span.attributes["flag"] is True and span.attributes["other_flag"] is False
    assert type(span.attributes["count"]) is int


@pytest.mark.parametrize(
    "value",
    [["a", "b"], [True, False], [1, 2, 3], [1.5, -2.0], [], ("a", "b"), (1, 2)],
    ids=["str", "bool", "int", "float", "empty", "str-tuple", "int-tuple"],
)
def test_homogeneous_sequences_are_stored_as_equal_lists(tracer, value):
    span = tracer.start_span("s")
    span.set_attribute("k", value)
    stored = span.attributes["k"]
    assert type(stored) is list
    assert stored == list(value)


def test_int_and_float_may_mix_in_a_sequence(tracer):
    span = tracer.start_span("s")
    span.set_attribute("k", [1, 2.5, 3])
    assert span.attributes["k"] == [1, 2.5, 3]


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"a": 1},
        {1, 2},
        b"bytes",
        object(),
        1j,
        [True, 1],
        [1, True],
        [0.5, False],
        ["a", 1],
        [["nested"]],
        [("nested",)],
        [None],
        ["a", None],
        [b"x"],
    ],
    ids=repr,
)
def test_invalid_values_are_dropped_with_a_warning(tracer, caplog, value):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.set_attribute("k", value)
    assert "k" not in span.attributes
    assert "Dropped attribute value" in caplog.text


def test_invalid_values_given_at_start_are_dropped_and_the_rest_kept(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes={"good": 1, "bad": None, "mixed": [1, "a"]})
    assert dict(span.attributes) == {"good": 1}
    assert caplog.text.count("Dropped attribute value") == 2


def test_attributes_that_are_not_a_mapping_are_dropped_with_a_warning(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes=[("k", "v")])
    assert dict(span.attributes) == {}
    assert "not a mapping" in caplog.text


@pytest.mark.parametrize("key", ["", None, 1, b"k", ("k",)], ids=repr)
def test_keys_that_are_not_non_empty_str_are_dropped_with_a_warning(tracer, caplog, key):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.set_attribute(key, "v")
        other = tracer.start_span("t", attributes={key: "v", "ok": "v"})
    assert dict(span.attributes) == {}
    assert dict(other.attributes) == {"ok": "v"}
    assert caplog.text.count("invalid key") == 2


def test_str_subclass_keys_are_stored_as_plain_str(tracer):
    span = tracer.start_span("s", attributes={_Text("a"): 1})
    span.set_attribute(_Key.METHOD, "GET")
    assert dict(span.attributes) == {"a": 1, "http.method": "GET"}
    assert all(type(key) is str for key in span.attributes)


def test_scalar_subclasses_are_stored_as_the_plain_type(tracer):
    span = tracer.start_span("s")
    span.set_attribute("color", _Color.RED)
    span.set_attribute("text", _Text("x"))
    span.set_attribute("colors", [_Color.RED, 2])
    span.set_attribute("texts", (_Text("y"), "z"))
    assert type(span.attributes["color"]) is int and span.attributes["color"] == 1
    assert type(span.attributes["text"]) is str
    assert [type(v) for v in span.attributes["colors"]] == [int, int]
    assert [type(v) for v in span.attributes["texts"]] == [str, str]


def test_sequences_are_copied_so_later_mutation_does_not_change_the_span(tracer, exporter):
    given = ["a", "b"]
    at_start = [1, 2]
    span = tracer.start_span("s", attributes={"at_start": at_start})
    span.set_attribute("k", given)
    given.append("c")
    at_start.append(3)
    span.end()
    (exported,) = exporter.get_finished_spans()
    assert exported.attributes["k"] == ["a", "b"]
    assert exported.attributes["at_start"] == [1, 2]


def test_the_mapping_given_at_start_is_copied(tracer):
    given = {"a": 1}
    span = tracer.start_span("s", attributes=given)
    given["b"] = 2
    assert dict(span.attributes) == {"a": 1}


def test_setting_the_same_key_replaces_the_value(tracer):
    span = tracer.start_span("s", attributes={"k": "first"})
    span.set_attribute("k", "second")
    span.set_attribute("k", [3])
    assert dict(span.attributes) == {"k": [3]}


def test_attributes_view_is_read_only(tracer):
    span = tracer.start_span("s", attributes={"k": 1})
    with pytest.raises(TypeError):
        span.attributes["k"] = 2  # type: ignore[index]


def test_exported_span_carries_the_attributes(tracer, exporter):
    with tracer.start_as_current_span("s", attributes={"a": "x"}) as span:
        span.set_attribute("b", 2.0)
    (exported,) = exporter.get_finished_spans()
    assert dict(exported.attributes) == {"a": "x", "b": 2.0}


# -- values whose conversion or truth test raises ---------------------------


class _LazyStr:
    """A lazy proxy as Django and wrapt make them: claims to be a str, fails when used."""

    @property
    def __class__(self):
        return str

    def __str__(self):
        raise RuntimeError("lazy value could not be evaluated")

    __bool__ = __len__ = __iter__ = __repr__ = __str__


class _BrokenLazy:
    """A proxy whose evaluation fails even to say what class it is."""

    @property
    def __class__(self):
        raise RuntimeError("lazy value could not be evaluated")


class _RaisingInt(int):
    def __int__(self):
        raise ValueError("no int for you")

    __index__ = __str__ = __repr__ = __int__


class _ArrayLike:
    """numpy/pandas style: iterable, but bool() refuses to guess."""

    def __bool__(self):
        raise ValueError("The truth value of an array is ambiguous")

    __len__ = __bool__

    def __iter__(self):
        return iter([1, 2])

    def items(self):
        return [("a", 1)]


class _RaisingMapping(Mapping):
    def __getitem__(self, key):
        raise RuntimeError("gone")

    def __iter__(self):
        raise RuntimeError("gone")

    def __len__(self):
        raise RuntimeError("gone")


# Factories, not values: pytest itself would trip over them as parameters.
_UNUSABLE = {
    "lazy str": _LazyStr,
    "broken lazy": _BrokenLazy,
    "Mock(spec=int)": lambda: Mock(spec=int),
    "Mock(spec=str)": lambda: Mock(spec=str),
    "array-like": _ArrayLike,
    "raising mapping": _RaisingMapping,
    "list of lazy str": lambda: [_LazyStr()],
    "tuple with a Mock": lambda: (Mock(spec=float), 2.0),
}
_HOSTILE = dict(
    _UNUSABLE,
    **{
        "int with raising __int__": lambda: _RaisingInt(5),
        "tuple of it": lambda: (_RaisingInt(1), 2),
    }
)


@pytest.mark.parametrize("kind", sorted(_UNUSABLE))
def test_values_whose_conversion_raises_are_dropped_with_a_warning(tracer, exporter, caplog, kind):
    value = _UNUSABLE[kind]()
    span = tracer.start_span("s", attributes={"given": value, "kept": 1})
    span.set_attribute("set", value)
    span.set_attribute(value, "as a key")
    span.add_event("event", {"given": value})
    span.end()
    (exported,) = exporter.get_finished_spans()
    assert dict(exported.attributes) == {"kept": 1}
    assert dict(exported.events[0].attributes) == {}
    assert "Dropped attribute" in caplog.text


@pytest.mark.parametrize("kind", sorted(_HOSTILE))
def test_attributes_links_and_names_whose_reading_raises_never_raise(tracer, exporter, kind):
    value = _HOSTILE[kind]()
    span = tracer.start_span(value, attributes=value, links=value)
    span.update_name(value)
    span.add_event(value, value)
    span.add_lazy_event(value)
    span.set_status(value)
    span.end()
    linked = tracer.start_span(
        "linked", links=[trace_api.Link(trace_api.SpanContext(1, 2), value), value]
    )
    linked.end()
    assert len(exporter.get_finished_spans()) == 2


def test_int_subclass_with_a_raising_int_is_stored_as_its_int_value(tracer):
    span = tracer.start_span("s")
    span.set_attribute("n", _RaisingInt(7))
    assert span.attributes["n"] == 7 and type(span.attributes["n"]) is int
