"""Import order: tracers taken before the implementation is chosen follow the choice."""

import pytest

from opentelemetry import trace
from opentelemetry.util import loader


@pytest.fixture(autouse=True)
def fresh_globals(monkeypatch):
    monkeypatch.setattr(trace, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace, "_TRACER_SOURCE_FACTORY", None)
    for suffix in ("TRACERSOURCE", "DEFAULT"):
        monkeypatch.delenv(loader.ENV_PREFIX + suffix, raising=False)


class MarkerSpan(trace.DefaultSpan):
    """A span a test can tell apart from the no-op's."""


class RecordingTracer(trace.Tracer):
    def __init__(self, name, version):
        self.name = name
        self.version = version
        self.calls = []

    def start_span(self, name, parent=trace.Tracer.CURRENT_SPAN, **kwargs):
        self.calls.append((name, kwargs))
        return MarkerSpan(trace.INVALID_SPAN_CONTEXT)


class RecordingSource(trace.TracerSource):
    def __init__(self):
        self.tracers = []

    def get_tracer(self, name, version=""):
        tracer = RecordingTracer(name, version)
        self.tracers.append(tracer)
        return tracer


def test_tracer_taken_before_the_choice_uses_the_chosen_source():
    library_tracer = trace.get_tracer("library", "2.0")
    source = RecordingSource()
    trace.set_preferred_tracer_source_implementation(lambda T: source)
    span = library_tracer.start_span("s")
    assert isinstance(span, MarkerSpan)
    assert [(t.name, t.version) for t in source.tracers] == [("library", "2.0")]


def test_get_tracer_does_not_resolve_the_source():
    trace.get_tracer("library")
    assert trace._TRACER_SOURCE is None
    trace.set_preferred_tracer_source_implementation(lambda T: RecordingSource())


def test_lazy_tracer_fetches_the_real_tracer_once_and_then_forwards_to_it():
    library_tracer = trace.get_tracer("library")
    source = RecordingSource()
    trace.set_preferred_tracer_source_implementation(lambda T: source)
    library_tracer.start_span("one")
    library_tracer.start_span("two", kind=trace.SpanKind.CLIENT, set_status_on_exception=False)
    assert len(source.tracers) == 1
    assert source.tracers[0].calls == [
        ("one", {}),
        ("two", {"kind": trace.SpanKind.CLIENT, "set_status_on_exception": False}),
    ]
    assert library_tracer.name == "library"


def test_first_span_puts_the_source_in_use_so_a_later_preference_raises():
    library_tracer = trace.get_tracer("library")
    with library_tracer.start_as_current_span("s") as span:
        assert span is trace.INVALID_SPAN
    with pytest.raises(RuntimeError, match="already in use"):
        trace.set_preferred_tracer_source_implementation(lambda T: RecordingSource())


def test_tracer_taken_after_the_source_is_in_use_is_the_sources_own():
    source = RecordingSource()
    trace.set_preferred_tracer_source_implementation(lambda T: source)
    trace.tracer_source()
    assert trace.get_tracer("app") is source.tracers[0]


def test_unresolved_lazy_tracer_without_a_choice_is_the_no_op():
    library_tracer = trace.get_tracer("library")
    assert library_tracer.get_current_span() is trace.INVALID_SPAN
    assert library_tracer.start_span("s") is trace.INVALID_SPAN
    with library_tracer.use_span(trace.INVALID_SPAN) as span:
        assert span is trace.INVALID_SPAN
    assert type(trace.tracer_source()) is trace.DefaultTracerSource


def test_lazy_tracer_resolved_to_the_no_op_becomes_the_no_op_tracer():
    library_tracer = trace.get_tracer("library")
    library_tracer.start_span("s")
    assert type(library_tracer) is trace.DefaultTracer
    with library_tracer.start_as_current_span("s") as span:
        assert span is trace.INVALID_SPAN


def test_lazy_tracer_repr_says_whether_it_is_resolved():
    library_tracer = trace.get_tracer("library", "1.0")
    assert "not resolved" in repr(library_tracer)
    trace.set_preferred_tracer_source_implementation(lambda T: RecordingSource())
    library_tracer.start_span("s")
    assert "resolved to" in repr(library_tracer)


def test_private_names_are_not_forwarded():
    library_tracer = trace.get_tracer("library")
    with pytest.raises(AttributeError):
        library_tracer._no_such_name
    assert trace._TRACER_SOURCE is None
