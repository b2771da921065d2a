"""The names v0.3 code imports that this project had not offered, doing what v0.3's did."""

import importlib.metadata
import logging
import threading

import pytest

from opentelemetry import distributedcontext, resources, trace
from opentelemetry.sdk import util as sdk_util
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import (
    MAX_NUM_ATTRIBUTES,
    MAX_NUM_EVENTS,
    MAX_NUM_LINKS,
    InstrumentationInfo,
    Span,
    SpanLimits,
    TracerSource,
)
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util import loader


def test_bounded_list_keeps_the_newest_items_and_counts_the_dropped():
    bounded = sdk_util.BoundedList.from_seq(3, range(5))
    assert list(bounded) == [2, 3, 4] and bounded.dropped == 2
    bounded.append(5)
    bounded.extend([6, 7])
    assert list(bounded) == [5, 6, 7] and bounded.dropped == 5
    assert bounded[0] == 5 and len(bounded) == 3
    assert repr(bounded) == "BoundedList([5, 6, 7], maxlen=3)"


def test_bounded_dict_evicts_the_oldest_and_a_set_key_becomes_the_newest():
    bounded = sdk_util.BoundedDict.from_map(2, {"a": 1, "b": 2})
    bounded["a"] = 10
    bounded["c"] = 3
    assert dict(bounded) == {"a": 10, "c": 3} and bounded.dropped == 1
    del bounded["a"]
    assert list(bounded) == ["c"] and len(bounded) == 1
    assert repr(bounded) == "BoundedDict({'c': 3}, maxlen=2)"


def test_bounded_containers_with_a_bad_maxlen_keep_nothing_and_log(caplog):
    with caplog.at_level(logging.WARNING):
        bounded = sdk_util.BoundedDict(-1)
        bounded["a"] = 1
    assert len(bounded) == 0 and bounded.dropped == 1
    assert "maxlen -1" in caplog.text


def test_bounded_list_counts_every_drop_under_concurrent_appends():
    bounded = sdk_util.BoundedList(10)
    threads = [
        threading.Thread(target=lambda: [bounded.append(i) for i in range(1000)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(bounded) == 10 and bounded.dropped == 3990


def test_span_limits_default_to_the_v03_constants_and_spans_offer_the_empty_containers():
    assert (MAX_NUM_ATTRIBUTES, MAX_NUM_EVENTS, MAX_NUM_LINKS) == (32, 128, 32)
    limits = SpanLimits()
    assert (limits.max_attributes, limits.max_events, limits.max_links) == (32, 128, 32)
    assert len(Span.empty_attributes) == 0 and Span.empty_attributes.maxlen == 32
    assert len(Span.empty_events) == 0 and len(Span.empty_links) == 0


def test_instrumentation_infos_sort_by_name_then_version():
    infos = [InstrumentationInfo("b", "1"), InstrumentationInfo("a", "2"), InstrumentationInfo("a", "1")]
    assert sorted(infos) == [
        InstrumentationInfo("a", "1"),
        InstrumentationInfo("a", "2"),
        InstrumentationInfo("b", "1"),
    ]


def test_the_sdk_resource_is_an_api_resource_and_merges_none_as_nothing():
    resource = Resource.create({"service.name": "shop"})
    assert isinstance(resource, resources.Resource)
    assert resource.merge(None) is resource
    with pytest.raises(TypeError):
        resources.Resource()  # type: ignore[abstract]


def test_printable_and_entry_metadata_constants():
    assert distributedcontext.PRINTABLE == frozenset(chr(c) for c in range(0x20, 0x7F))
    metadata = distributedcontext.EntryMetadata(distributedcontext.EntryMetadata.NO_PROPAGATION)
    assert metadata.entry_ttl == 0
    assert distributedcontext.EntryMetadata.UNLIMITED_PROPAGATION == -1


def test_versions_are_the_distributions_versions():
    from opentelemetry.sdk.version import __version__ as sdk_version
    from opentelemetry.util.version import __version__ as api_version

    assert api_version == importlib.metadata.version("opentelemetry-api")
    assert sdk_version == importlib.metadata.version("opentelemetry-sdk")


def test_the_preferred_default_implementation_serves_types_without_a_preference(monkeypatch):
    monkeypatch.setattr(loader, "_DEFAULT_FACTORY", None)
    for variable in ("TRACERSOURCE", "DEFAULT"):
        monkeypatch.delenv(loader.ENV_PREFIX + variable, raising=False)
    made = TracerSource(shutdown_on_exit=False)
    loader.set_preferred_default_implementation(lambda api_type: made)
    assert loader.load_implementation(trace.TracerSource, None, trace.DefaultTracerSource) is made
    preferred = TracerSource(shutdown_on_exit=False)
    assert (
        loader.load_implementation(trace.TracerSource, lambda t: preferred, trace.DefaultTracerSource)
        is preferred
    )


def test_batch_processor_offers_v03_names_and_export_sends_what_is_queued():
    exporter = InMemorySpanExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=60000.0)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    source.get_tracer(__name__).start_span("queued").end()
    assert [span.name for span in processor.queue] == ["queued"]
    assert processor.worker_thread.is_alive() and not processor.done
    processor.export()
    assert [span.name for span in exporter.get_finished_spans()] == ["queued"]
    assert processor.spans_list == [] and isinstance(processor.condition, type(processor.flush_condition))
    processor.shutdown()
    assert processor.done


def test_calling_worker_from_another_thread_does_nothing_but_warn(caplog):
    processor = BatchExportSpanProcessor(InMemorySpanExporter())
    with caplog.at_level(logging.WARNING):
        processor.worker()
    assert "own thread" in caplog.text
    processor.shutdown()


def test_sdk_modules_reexport_what_v03_exporters_import():
    from opentelemetry.sdk.trace.export import Span as ExportSpan

    assert ExportSpan is Span
    assert trace.Status is trace.status.Status
