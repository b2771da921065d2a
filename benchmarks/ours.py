"""Each scenario on this project's side (the v0.3 API: TracerSource, ...).

Every ``setup_*`` builds what the scenario needs and returns ``run(iterations)``,
the timed loop, and ``check()``, run once first to prove the work is real.
``reference.py`` does the same work with the reference's names.
"""

from workload import (
    ATTRIBUTES,
    CHILD_SPAN_ID,
    INCOMING_TRACE_STATE,
    INCOMING_TRACESTATE,
    OUTGOING_TRACEPARENT,
    BATCH_SETTINGS,
    OTLP_RESOURCE_LABELS,
    OTLP_SCOPE,
    SPAN_ID,
    TRACE_ID,
    TRACE_STATE,
    TRACEPARENT,
    TRACESTATE,
    NotBuiltYet,
    METRIC_LABELS,
    check_encoded_batch,
    record_typical_batch,
)

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_SUCCESS = SpanExportResult.SUCCESS


class NullExporter(SpanExporter):
    """An exporter that does nothing."""

    def export(self, spans):
        return _SUCCESS

    def shutdown(self):
        pass


class CountingExporter(SpanExporter):
    """Counts the spans it is given; the batch processor calls it from one thread."""

    def __init__(self):
        self.exported = 0

    def export(self, spans):
        self.exported += len(spans)
        return _SUCCESS

    def shutdown(self):
        pass


def _sdk_tracer(processor=None):
    source = TracerSource(shutdown_on_exit=False)
    if processor is not None:
        source.add_span_processor(processor)
    return source.get_tracer("benchmark")


def _check_recorded(tracer, span):
    assert span.is_recording_events() and span.end_time is not None
    assert tracer.get_current_span() is None


def _timed_span_scenario(tracer):
    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def check():
        with tracer.start_as_current_span("s") as span:
            assert tracer.get_current_span() is span
        _check_recorded(tracer, span)

    return run, check


def setup_a():
    tracer = trace.get_tracer("benchmark")

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def check():
        assert type(trace.tracer_source()) is trace.DefaultTracerSource
        with tracer.start_as_current_span("s") as span:
            assert not span.is_recording_events()

    return run, check


def setup_b():
    return _timed_span_scenario(_sdk_tracer())


def setup_c():
    return _timed_span_scenario(_sdk_tracer(SimpleExportSpanProcessor(NullExporter())))


def setup_d():
    tracer = _sdk_tracer(SimpleExportSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("outer"):
                with tracer.start_as_current_span("middle"):
                    with tracer.start_as_current_span("inner"):
                        pass

    def check():
        with tracer.start_as_current_span("outer") as outer:
            with tracer.start_as_current_span("middle") as middle:
                with tracer.start_as_current_span("inner") as inner:
                    assert tracer.get_current_span() is inner
        assert inner.parent is middle and middle.parent is outer
        assert inner.context.trace_id == outer.context.trace_id
        _check_recorded(tracer, outer)

    return run, check


def setup_e(attributes=ATTRIBUTES):
    tracer = _sdk_tracer(SimpleExportSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s", attributes=attributes):
                pass

    def check():
        with tracer.start_as_current_span("s", attributes=attributes) as span:
            pass
        assert dict(span.attributes) == attributes
        _check_recorded(tracer, span)

    return run, check


def setup_f():
    tracer = _sdk_tracer(SimpleExportSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            tracer.start_span("s").end()

    def check():
        span = tracer.start_span("s")
        assert tracer.get_current_span() is None
        span.end()
        _check_recorded(tracer, span)

    return run, check


def _set_in_carrier(carrier, key, value):
    carrier[key] = value


def _get_from_carrier(carrier, key):
    value = carrier.get(key)
    return [] if value is None else [value]


def setup_g():
    try:
        from opentelemetry.context.propagation.tracecontexthttptextformat import (
            TraceContextHTTPTextFormat,
        )
    except ImportError as error:
        raise NotBuiltYet(error) from error
    fmt = TraceContextHTTPTextFormat()
    span = trace.DefaultSpan(
        trace.SpanContext(
            TRACE_ID,
            SPAN_ID,
            trace.TraceOptions(trace.TraceOptions.SAMPLED),
            trace.TraceState(TRACE_STATE),
        )
    )
    inject = fmt.inject
    extract = fmt.extract

    def run(iterations):
        for _ in range(iterations):
            carrier = {}
            inject(span, _set_in_carrier, carrier)
            extract(_get_from_carrier, carrier)

    def check():
        carrier = {}
        inject(span, _set_in_carrier, carrier)
        assert carrier == {"traceparent": TRACEPARENT, "tracestate": TRACESTATE}, carrier
        context = extract(_get_from_carrier, carrier)
        assert (context.trace_id, context.span_id) == (TRACE_ID, SPAN_ID)
        assert tuple(context.trace_state.items()) == TRACE_STATE

    return run, check


def setup_g_tracestate():
    """One hop: extract a traceparent and a two-member tracestate, inject the child's context."""
    try:
        from opentelemetry.context.propagation.tracecontexthttptextformat import (
            TraceContextHTTPTextFormat,
        )
    except ImportError as error:
        raise NotBuiltYet(error) from error
    fmt = TraceContextHTTPTextFormat()
    incoming = {"traceparent": TRACEPARENT, "tracestate": INCOMING_TRACESTATE}
    inject = fmt.inject
    extract = fmt.extract
    SpanContext = trace.SpanContext
    DefaultSpan = trace.DefaultSpan

    def hop():
        parent = extract(_get_from_carrier, incoming)
        child = DefaultSpan(
            SpanContext(parent.trace_id, CHILD_SPAN_ID, parent.trace_options, parent.trace_state)
        )
        outgoing = {}
        inject(child, _set_in_carrier, outgoing)
        return parent, outgoing

    def run(iterations):
        for _ in range(iterations):
            hop()

    def check():
        parent, outgoing = hop()
        assert tuple(parent.trace_state.items()) == INCOMING_TRACE_STATE
        assert outgoing == {
            "traceparent": OUTGOING_TRACEPARENT,
            "tracestate": INCOMING_TRACESTATE,
        }, outgoing

    return run, check


def setup_h():
    """``produce(iterations)`` for each producer thread; ``finish()`` shuts down and counts."""
    try:
        from opentelemetry.sdk.trace.export import BatchExportSpanProcessor
    except ImportError as error:
        raise NotBuiltYet(error) from error
    exporter = CountingExporter()
    processor = BatchExportSpanProcessor(exporter, **BATCH_SETTINGS)
    tracer = _sdk_tracer(processor)

    def produce(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def finish():
        processor.shutdown()
        return {
            "exported": exporter.exported,
            "dropped_reported": processor.spans_dropped_queue_full
            + processor.spans_dropped_after_shutdown,
        }

    return produce, finish


def setup_i(attributes):
    """``run(iterations)`` and the in-memory exporter that retains the spans."""
    exporter = InMemorySpanExporter()
    tracer = _sdk_tracer(SimpleExportSpanProcessor(exporter))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s", attributes=attributes):
                pass

    return run, exporter


def _typical_batch():
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, resource=Resource(OTLP_RESOURCE_LABELS))
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    record_typical_batch(source.get_tracer(*OTLP_SCOPE), trace.SpanKind.SERVER)
    return exporter.get_finished_spans()


def _encoding_scenario(encode, span_id):
    spans = _typical_batch()

    def run(iterations):
        for _ in range(iterations):
            encode(spans)

    def check():
        check_encoded_batch(encode(spans), [span_id(span.context.span_id) for span in spans])

    return run, check


def setup_k_protobuf():
    """``run(iterations)`` encodes a batch of ``OTLP_BATCH_SIZE`` spans as OTLP protobuf."""
    from opentelemetry.sdk.trace.export.otlp._protobuf_encoding import encode_request

    return _encoding_scenario(encode_request, lambda span_id: span_id.to_bytes(8, "big"))


def setup_k_json():
    """``run(iterations)`` encodes a batch of ``OTLP_BATCH_SIZE`` spans as OTLP/JSON."""
    from opentelemetry.sdk.trace.export.otlp._json_encoding import encode_request

    return _encoding_scenario(encode_request, lambda span_id: b"%016x" % span_id)


def _sdk_counter():
    """An SDK counter, its label set, and ``total()``: the sum a collection reports."""
    from opentelemetry.sdk import metrics as sdk_metrics

    meter = sdk_metrics.Meter()
    counter = meter.create_metric(
        "requests", "served", "1", int, sdk_metrics.Counter, tuple(METRIC_LABELS), monotonic=True
    )
    label_set = meter.get_label_set(METRIC_LABELS)

    def total():
        meter.collect()
        return sum(record.aggregator.checkpoint for record in meter.batcher.checkpoint_set())

    return counter, label_set, total


def _counting_check(add, total):
    def check():
        before = total()
        add()
        assert total() == before + 1

    return check


def setup_l_handle():
    """``handle.add(1)``: a counter bound to its label set."""
    counter, label_set, total = _sdk_counter()
    handle = counter.get_handle(label_set)

    def run(iterations):
        add = handle.add
        for _ in range(iterations):
            add(1)

    return run, _counting_check(lambda: handle.add(1), total)


def setup_l_counter():
    """``counter.add(1, label_set)``: the label set looked up at each add."""
    counter, label_set, total = _sdk_counter()

    def run(iterations):
        add = counter.add
        for _ in range(iterations):
            add(1, label_set)

    return run, _counting_check(lambda: counter.add(1, label_set), total)


def setup_l_noop():
    """``counter.add(1, label_set)`` on the API's default meter, no SDK."""
    from opentelemetry import metrics

    meter = metrics.meter()
    counter = meter.create_metric("requests", "served", "1", int, metrics.Counter)
    label_set = meter.get_label_set(METRIC_LABELS)

    def run(iterations):
        add = counter.add
        for _ in range(iterations):
            add(1, label_set)

    def check():
        assert type(meter) is metrics.DefaultMeter
        assert counter.add(1, label_set) is None

    return run, check


def setup_l_noop_api():
    """The same no-op add, compared with the reference API's own no-op (for information)."""
    return setup_l_noop()
