"""The OTLP exporter behind the batch processor: a collector that hangs, is down, then returns."""

import json
import socket
import threading

import pytest

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter, _http_sender

SPAN_COUNT = 100


class WatchedExporter(OTLPSpanExporter):
    """Records when exports start and what they return."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = threading.Event()
        self.results = []

    def export(self, spans):
        self.started.set()
        result = super().export(spans)
        self.results.append(result)
        return result


def _span_names(requests):
    names = []
    for request in requests:
        for resource_spans in json.loads(request.body)["resourceSpans"]:
            for scope_spans in resource_spans["scopeSpans"]:
                names.extend(span["name"] for span in scope_spans["spans"])
    return names


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch):
    monkeypatch.setattr(_http_sender, "BACKOFF_BASE_SECONDS", 0.01)
    monkeypatch.setattr(_http_sender, "BACKOFF_CAP_SECONDS", 0.05)


def test_spans_ended_while_the_collector_is_away_arrive_once_it_returns(start_receiver):
    # A collector that accepts connections and never answers.
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    port = hung.getsockname()[1]
    exporter = WatchedExporter("http://127.0.0.1:{}".format(port), encoding="json", timeout=30)
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=2048, schedule_delay_millis=20, max_export_batch_size=16
    )
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    tracer = source.get_tracer("app")
    tracer.start_span("first").end()
    assert exporter.started.wait(10), "the processor never exported"

    def application():
        for number in range(SPAN_COUNT - 1):
            tracer.start_span("span-{}".format(number)).end()

    app = threading.Thread(target=application)
    app.start()
    app.join(10)
    # The application finished while the first export is still waiting on the collector.
    assert not app.is_alive()
    assert exporter.results == []

    hung.close()  # down: the waiting request is reset, new connections are refused
    receiver = start_receiver(port=port)  # and back
    receiver.wait_for_requests(1, timeout=20)
    for _ in range(200):
        if len(_span_names(receiver.requests)) >= SPAN_COUNT:
            break
        receiver.wait_for_requests(len(receiver.requests) + 1, timeout=0.1)
    processor.shutdown()

    names = _span_names(receiver.requests)
    assert sorted(names) == sorted(["first"] + ["span-{}".format(n) for n in range(SPAN_COUNT - 1)])
    assert SpanExportResult.SUCCESS in exporter.results
    assert processor.spans_exported == SPAN_COUNT
    assert processor.spans_dropped_queue_full == processor.spans_failed_export == 0


def test_spans_past_the_queue_while_the_collector_is_down_are_counted(closed_port):
    exporter = OTLPSpanExporter("http://127.0.0.1:{}".format(closed_port), timeout=0.2)
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=32, schedule_delay_millis=20, max_export_batch_size=8
    )
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    tracer = source.get_tracer("app")

    def application():
        for number in range(SPAN_COUNT):
            tracer.start_span("span-{}".format(number)).end()

    app = threading.Thread(target=application)
    app.start()
    app.join(10)
    assert not app.is_alive()  # a full queue drops; it does not make the application wait
    processor.shutdown()

    assert processor.spans_exported == 0
    assert processor.spans_dropped_queue_full > 0
    assert (
        processor.spans_exported
        + processor.spans_dropped_queue_full
        + processor.spans_failed_export
        == SPAN_COUNT
    )
