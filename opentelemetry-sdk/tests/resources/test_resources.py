"""Where a span comes from: the source's resource and the tracer's instrumentation info."""

import logging

import pytest

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import InstrumentationInfo, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _source(resource=None):
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, resource=resource)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source, exporter


# -- Resource ---------------------------------------------------------------


def test_labels_are_a_copy():
    given = {"service.name": "shop"}
    resource = Resource(given)
    given["service.name"] = "changed"
    resource.labels["host"] = "h"
    assert resource.labels == {"service.name": "shop"}


def test_create_and_create_empty():
    assert Resource.create({"a": "1"}).labels == {"a": "1"}
    assert Resource.create(None) is Resource.create_empty()
    assert Resource.create({}) is Resource.create_empty()
    assert Resource.create_empty().labels == {}


def test_merge_adds_the_other_labels_and_keeps_this_ones_values():
    primary = Resource({"service.name": "shop", "host": ""})
    secondary = Resource({"service.name": "other", "host": "h1", "zone": "eu"})
    merged = primary.merge(secondary)
    assert merged.labels == {"service.name": "shop", "host": "h1", "zone": "eu"}
    assert primary.labels == {"service.name": "shop", "host": ""}
    assert secondary.labels == {"service.name": "other", "host": "h1", "zone": "eu"}


def test_merge_with_an_empty_resource_changes_nothing():
    resource = Resource({"a": "1"})
    assert resource.merge(Resource.create_empty()) == resource
    assert Resource.create_empty().merge(resource) == resource


def test_equal_labels_make_equal_resources_with_equal_hashes():
    assert Resource({"a": "1", "b": "2"}) == Resource({"b": "2", "a": "1"})
    assert hash(Resource({"a": "1", "b": "2"})) == hash(Resource({"b": "2", "a": "1"}))
    assert Resource({"a": "1"}) != Resource({"a": "2"})
    assert repr(Resource({"a": "1"})) == "Resource({'a': '1'})"


def test_labels_that_are_not_str_to_str_are_dropped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        resource = Resource({"ok": "v", "count": 3, 4: "four", "none": None})
    assert resource.labels == {"ok": "v"}
    assert caplog.text.count("Dropped resource label") == 3


def test_labels_that_are_not_a_mapping_are_dropped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        resource = Resource(["service.name", "shop"])
    assert resource.labels == {}
    assert "not a mapping" in caplog.text


def test_merging_none_returns_this_resource_silently_as_in_v03(caplog):
    resource = Resource({"a": "0"})
    with caplog.at_level(logging.WARNING):
        assert resource.merge(None) is resource
    assert caplog.text == ""


@pytest.mark.parametrize("other", [{"a": "1"}, "labels"], ids=repr)
def test_merging_something_else_is_logged_and_returns_this_resource(caplog, other):
    resource = Resource({"a": "0"})
    with caplog.at_level(logging.WARNING):
        assert resource.merge(other) is resource
    assert "not a Resource" in caplog.text


# -- resources on spans -----------------------------------------------------


def test_every_span_of_a_source_carries_its_resource_to_the_exporter():
    resource = Resource({"service.name": "shop"})
    source, exporter = _source(resource)
    with source.get_tracer("a").start_as_current_span("one"):
        source.get_tracer("b", "2").start_span("two").end()
    assert [s.resource for s in exporter.get_finished_spans()] == [source.resource] * 2
    assert source.resource.labels["service.name"] == "shop"


def test_a_source_without_a_resource_gives_spans_the_default_resource():
    source, _ = _source()
    assert source.get_tracer("a").start_span("s").resource == source.resource
    assert source.resource.labels["service.name"].startswith("unknown_service:")


def test_sources_keep_their_own_resources():
    first, _ = _source(Resource({"service.name": "first"}))
    second, _ = _source(Resource({"service.name": "second"}))
    assert first.get_tracer("t").start_span("s").resource.labels["service.name"] == "first"
    assert second.get_tracer("t").start_span("s").resource.labels["service.name"] == "second"


# -- instrumentation info ---------------------------------------------------


def test_each_span_carries_the_name_and_version_of_its_tracer():
    source, exporter = _source()
    source.get_tracer("myapp.db", "1.2.0").start_span("query").end()
    source.get_tracer("myapp.web").start_span("request").end()
    infos = [s.instrumentation_info for s in exporter.get_finished_spans()]
    assert infos == [InstrumentationInfo("myapp.db", "1.2.0"), InstrumentationInfo("myapp.web", "")]
    assert (infos[0].name, infos[0].version) == ("myapp.db", "1.2.0")


def test_instrumentation_info_is_a_value():
    assert InstrumentationInfo("a", "1") == InstrumentationInfo("a", "1")
    assert hash(InstrumentationInfo("a", "1")) == hash(InstrumentationInfo("a", "1"))
    assert InstrumentationInfo("a", "1") != InstrumentationInfo("a", "2")
    assert repr(InstrumentationInfo("a", "1")) == "InstrumentationInfo('a', '1')"


def test_a_version_that_is_not_a_str_is_logged_and_left_empty(caplog):
    source, _ = _source()
    with caplog.at_level(logging.WARNING):
        tracer = source.get_tracer("lib", 1.0)
    assert tracer.start_span("s").instrumentation_info == InstrumentationInfo("lib", "")
    assert "not a str" in caplog.text


class _LazyStr:
    @property
    def __class__(self):
        return str

    def __str__(self):
        raise RuntimeError("lazy value could not be evaluated")

    __bool__ = __len__ = __repr__ = __str__


class _NoBool:
    """numpy/pandas style: bool() refuses to guess."""

    def __bool__(self):
        raise ValueError("ambiguous")

    __len__ = __bool__


_HOSTILE_LABELS = {
    "lazy value": lambda: {"service.name": _LazyStr()},
    "lazy key": lambda: {_LazyStr(): "x"},
    "raising bool": _NoBool,
    "lazy labels": _LazyStr,
}


@pytest.mark.parametrize("kind", sorted(_HOSTILE_LABELS))
def test_labels_whose_conversion_raises_are_dropped_with_a_warning(caplog, kind):
    labels = _HOSTILE_LABELS[kind]()
    assert Resource(labels).labels == {}
    assert Resource.create(labels) == Resource.create_empty()
    assert caplog.records


def test_a_plain_dict_given_as_the_resource_becomes_a_resource(caplog):
    source, exporter = _source(resource={"service.name": "shop"})
    source.get_tracer("t").start_span("s").end()
    (span,) = exporter.get_finished_spans()
    assert isinstance(span.resource, Resource)
    assert span.resource.labels["service.name"] == "shop"
    assert "not a Resource" in caplog.text


def test_a_resource_of_another_type_is_logged_and_none_used(caplog):
    source, exporter = _source(resource=["service.name", "shop"])
    source.get_tracer("t").start_span("s").end()
    assert exporter.get_finished_spans()[0].resource == source.resource
    assert "shop" not in source.resource.labels.values()
    assert "not a Resource" in caplog.text
