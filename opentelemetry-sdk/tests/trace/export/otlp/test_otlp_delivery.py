"""Delivery: retries of transient failures, final failures, timeouts, connections, TLS."""

import json
import logging
import os
import threading
import types
from pathlib import Path

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter, _http_sender

CERTS = Path(__file__).resolve().parent / "certs"


def make_spans(count=3):
    spans = []
    for number in range(1, count + 1):
        span = Span("span-{}".format(number), trace_api.SpanContext(number, number))
        span.start(start_time=number)
        span.end(end_time=number + 1)
        spans.append(span)
    return spans


@pytest.fixture
def endless_backoff(monkeypatch):
    """A backoff past any test's timeout: only something else can allow a retry."""
    monkeypatch.setattr(_http_sender, "BACKOFF_BASE_SECONDS", 600.0)
    monkeypatch.setattr(_http_sender, "BACKOFF_CAP_SECONDS", 600.0)


def _protobuf_status(message):
    """A google.rpc.Status body with only its message (field 2)."""
    data = message.encode()
    return b"\x12" + bytes([len(data)]) + data


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_status_is_retried_until_accepted(receiver, short_backoff, status):
    receiver.respond(status, times=2)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=10)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    requests = receiver.requests
    assert len(requests) == 3
    assert requests[0].body == requests[1].body == requests[2].body


def test_503_then_200_succeeds_with_one_retry(receiver, short_backoff):
    receiver.respond(503)
    exporter = OTLPSpanExporter(receiver.endpoint)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 2


@pytest.mark.parametrize(
    "draw, waits",
    [
        ("lowest", [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 16.0]),
        ("highest", [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 32.0]),
    ],
)
def test_backoff_doubles_from_one_second_to_a_32_second_cap_half_of_it_random(
    receiver, fake_time, monkeypatch, draw, waits
):
    drawn = []

    def uniform(low, high):
        drawn.append((low, high))
        return low if draw == "lowest" else high

    monkeypatch.setattr(_http_sender, "random", types.SimpleNamespace(uniform=uniform))
    receiver.respond(503, times=7)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=120)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 8
    # 1 s, doubling, capped at 32 s: the first half of each fixed, the second drawn.
    assert fake_time.sleeps == waits
    assert drawn == [(0, delay / 2) for delay in (1, 2, 4, 8, 16, 32, 32)]


def test_429_is_retried_after_the_delay_retry_after_asks(receiver, short_backoff, fake_time):
    receiver.respond(429, headers=(("Retry-After", "3"),))
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 2
    assert fake_time.sleeps == [3.0]


def test_retry_after_past_the_timeout_fails_retryable_at_once(receiver, caplog):
    receiver.respond(429, headers=(("Retry-After", "120"),))
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    exporter.shutdown()

    assert len(receiver.requests) == 1
    assert "HTTP 429" in caplog.text


@pytest.mark.parametrize(
    "encoding, body",
    [
        ("protobuf", _protobuf_status("span name is required")),
        ("json", json.dumps({"code": 3, "message": "span name is required"}).encode()),
    ],
)
def test_400_is_not_retried_and_logs_the_servers_message(
    receiver, short_backoff, caplog, encoding, body
):
    receiver.respond(400, body=body)
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    assert len(receiver.requests) == 1
    assert "rejected spans: HTTP 400 Bad Request: span name is required" in caplog.text


@pytest.mark.parametrize("status", [401, 403, 404, 413, 500])
def test_other_error_statuses_are_final(receiver, short_backoff, status):
    receiver.respond(status, body=b"plain text reason")
    exporter = OTLPSpanExporter(receiver.endpoint)

    assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    assert len(receiver.requests) == 1


def test_connection_refused_is_retried_until_the_timeout(closed_port, short_backoff, caplog):
    exporter = OTLPSpanExporter("http://127.0.0.1:{}".format(closed_port), timeout=0.3)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    exporter.shutdown()

    assert (
        "Could not send spans to http://127.0.0.1:{}/v1/traces within 0.3s; "
        "last attempt: ConnectionRefusedError".format(closed_port)
    ) in caplog.text


def test_receiver_slower_than_the_timeout_does_not_hold_the_export(receiver, short_backoff, caplog):
    receiver.respond(200, delay=30)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=0.3)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    exporter.shutdown()

    assert "last attempt: " in caplog.text and "timed out" in caplog.text  # socket.timeout
    # The export gave up while the receiver was still holding its answer.
    assert len(receiver.requests) == 1
    assert receiver.responses_sent == 0


def test_receiver_back_up_before_the_timeout_gets_the_spans(receiver, short_backoff):
    receiver.respond(503, times=5)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=10)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 6


def test_one_connection_serves_consecutive_exports(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)

    for _ in range(3):
        assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len({request.client_address for request in receiver.requests}) == 1


def test_connection_the_server_closed_is_replaced_without_backoff(receiver, endless_backoff):
    receiver.respond(200, close=True)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    receiver.wait_for_closed_connections(1)
    # The kept connection is dead; with the backoff at 600 s only an immediate
    # retry on a new connection can deliver within the timeout.
    assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    first, second = receiver.requests
    assert first.client_address != second.client_address


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_forked_child_opens_its_own_connection_and_the_parent_keeps_its(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)
    exporter.export(make_spans(1))

    pid = os.fork()
    if pid == 0:  # the child: report through the exit code, skip pytest's teardown
        os._exit(0 if exporter.export(make_spans(1)) is SpanExportResult.SUCCESS else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    parent_first, child, parent_after = (request.client_address for request in receiver.requests)
    assert parent_first == parent_after != child


def test_connection_close_header_opens_a_new_connection_next_time(receiver):
    receiver.respond(200, headers=(("Connection", "close"),), close=True)
    exporter = OTLPSpanExporter(receiver.endpoint)

    assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    first, second = receiver.requests
    assert first.client_address != second.client_address


def test_requests_identify_the_exporter(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)
    exporter.export(make_spans(1))
    exporter.shutdown()

    assert receiver.requests[0].headers["User-Agent"].startswith("OTel-OTLP-Exporter-Python")


def test_empty_export_sends_nothing(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)

    assert exporter.export([]) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert receiver.requests == []


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_partial_success_is_success_and_logs_the_rejected_count(receiver, caplog, encoding):
    # The official schema (opentelemetry-proto, a dev requirement): missing, this fails.
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    response = trace_service_pb2.ExportTraceServiceResponse()
    response.partial_success.rejected_spans = 2
    response.partial_success.error_message = "spans too old"
    if encoding == "protobuf":
        body = response.SerializeToString()
    else:
        body = json_format.MessageToJson(response).encode()
    receiver.respond(200, body=body)
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans(3)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "rejected 2 of 3 spans: spans too old" in caplog.text
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("body", [b"{}", b"\x00\xff not a response"])
def test_unreadable_success_body_is_still_success(receiver, caplog, body):
    receiver.respond(200, body=body)
    exporter = OTLPSpanExporter(receiver.endpoint)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans(1)) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "rejected" not in caplog.text


def test_export_after_shutdown_fails_fast(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)
    exporter.shutdown()

    assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    assert receiver.requests == []


def test_shutdown_closes_the_connection(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint)
    exporter.export(make_spans(1))

    exporter.shutdown()

    assert receiver.wait_for_closed_connections(1) == 1


def test_shutdown_interrupts_a_backoff_wait(receiver, endless_backoff):
    receiver.respond(503)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=3600)
    results = []
    export = threading.Thread(target=lambda: results.append(exporter.export(make_spans())))
    export.start()
    receiver.wait_for_requests(1)

    exporter.shutdown()
    export.join(10)

    assert not export.is_alive()
    assert results == [SpanExportResult.FAILED_RETRYABLE]
    assert len(receiver.requests) == 1


def test_https_with_the_given_ca_and_client_certificate(tls_receiver):
    exporter = OTLPSpanExporter(
        tls_receiver.endpoint,
        certificate_file=str(CERTS / "ca.pem"),
        client_certificate_file=str(CERTS / "client.pem"),
        client_key_file=str(CERTS / "client.key"),
    )

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(tls_receiver.requests) == 1


def test_https_server_not_trusted_fails_without_retrying(tls_receiver, endless_backoff, caplog):
    exporter = OTLPSpanExporter(tls_receiver.endpoint, timeout=5)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    assert "Could not verify the TLS certificate" in caplog.text
    assert tls_receiver.requests == []


def test_unreadable_certificate_file_logs_and_uses_the_system_cas(tmp_path, caplog):
    missing = str(tmp_path / "missing.pem")
    with caplog.at_level(logging.WARNING):
        OTLPSpanExporter("https://127.0.0.1:1", certificate_file=missing).shutdown()

    assert "Could not load CA certificates from '{}'".format(missing) in caplog.text


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 3 ", 3.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-1", None),
    ],
)
def test_retry_after_forms(value, expected):
    assert _http_sender.retry_after_seconds(value) == expected


def test_retry_after_date_in_the_future_is_the_time_until_then():
    import email.utils
    import time

    later = email.utils.formatdate(time.time() + 100, usegmt=True)
    assert 90 <= _http_sender.retry_after_seconds(later) <= 101
