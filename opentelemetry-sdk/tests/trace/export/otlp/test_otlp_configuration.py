"""Configuration: arguments, then OTEL_EXPORTER_OTLP_TRACES_*, OTEL_EXPORTER_OTLP_*, defaults."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter
from opentelemetry.sdk.trace.export.otlp._environment import resolve_settings


def _span():
    span = Span("configured", trace_api.SpanContext(1, 1))
    span.start()
    span.end()
    return span


def _export_one(exporter):
    result = exporter.export([_span()])
    exporter.shutdown()
    return result


def test_defaults_follow_the_specification():
    settings = resolve_settings({})

    assert settings.url == "http://localhost:4318/v1/traces"
    assert settings.headers == {}
    assert settings.timeout == 10.0
    assert settings.compression == "none"
    assert settings.encoding == "protobuf"
    assert settings.certificate_file is None
    assert repr(OTLPSpanExporter()) == (
        "OTLPSpanExporter(url='http://localhost:4318/v1/traces', encoding='protobuf')"
    )


def test_general_endpoint_variable_is_a_base_url(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint + "/otlp/")

    assert _export_one(OTLPSpanExporter()) is SpanExportResult.SUCCESS
    assert receiver.requests[0].path == "/otlp/v1/traces"


def test_traces_endpoint_variable_is_used_as_given_and_wins(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://elsewhere.invalid:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint + "/custom/traces")

    assert _export_one(OTLPSpanExporter()) is SpanExportResult.SUCCESS
    assert receiver.requests[0].path == "/custom/traces"


def test_endpoint_argument_wins_over_the_environment(receiver, monkeypatch):
    monkeypatch.setenv(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://elsewhere.invalid:4318/v1/traces"
    )

    assert _export_one(OTLPSpanExporter(receiver.endpoint + "/")) is SpanExportResult.SUCCESS
    assert receiver.requests[0].path == "/v1/traces"


def test_headers_variable_is_parsed_and_percent_decoded(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "general=ignored")
    monkeypatch.setenv(
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", " api-key = secret%20value , x-tenant=t1,  "
    )

    _export_one(OTLPSpanExporter(receiver.endpoint))

    headers = receiver.requests[0].headers
    assert headers["api-key"] == "secret value"
    assert headers["x-tenant"] == "t1"
    assert "general" not in headers


def test_headers_argument_wins_over_the_environment(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "from-env=1")

    _export_one(OTLPSpanExporter(receiver.endpoint, headers={"Authorization": "Bearer t"}))

    headers = receiver.requests[0].headers
    assert headers["Authorization"] == "Bearer t"
    assert "from-env" not in headers


def test_protocol_and_compression_variables_choose_json_and_gzip(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")

    _export_one(OTLPSpanExporter(receiver.endpoint))

    request = receiver.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Content-Encoding"] == "gzip"
    assert request.body.startswith(b'{"resourceSpans":')


def test_timeout_variable_is_in_milliseconds(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "60000")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "200")
    receiver.respond(200, delay=30)

    assert _export_one(OTLPSpanExporter(receiver.endpoint)) is SpanExportResult.FAILED_RETRYABLE
    assert receiver.responses_sent == 0
    assert resolve_settings({"OTEL_EXPORTER_OTLP_TIMEOUT": "2500"}).timeout == 2.5


def test_certificate_variables_are_read():
    settings = resolve_settings(
        {
            "OTEL_EXPORTER_OTLP_CERTIFICATE": "/general/ca.pem",
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": "/traces/ca.pem",
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/client.pem",
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY": "/client.key",
        }
    )

    assert settings.certificate_file == "/traces/ca.pem"
    assert settings.client_certificate_file == "/client.pem"
    assert settings.client_key_file == "/client.key"


def test_empty_variables_count_as_unset():
    settings = resolve_settings(
        {
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
        }
    )

    assert settings.url == "http://collector:4318/v1/traces"


@pytest.mark.parametrize(
    "variable, value, setting, default",
    [
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "ftp://collector:21",
            "url",
            "http://localhost:4318/v1/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "collector:4318",
            "url",
            "http://localhost:4318/v1/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://collector:99999",
            "url",
            "http://localhost:4318/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "ten", "timeout", 10.0),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0", "timeout", 10.0),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "-5", "timeout", 10.0),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", "compression", "none"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "encoding", "protobuf"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/xml", "encoding", "protobuf"),
    ],
)
def test_invalid_variable_logs_a_warning_and_uses_the_default(
    caplog, variable, value, setting, default
):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings({variable: value})

    assert getattr(settings, setting) == default
    assert "Ignored {}={!r}".format(variable, value) in caplog.text


def test_invalid_traces_variable_falls_back_to_the_general_one(caplog):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(
            {
                "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            }
        )

    assert settings.encoding == "json"
    assert "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" in caplog.text


def test_malformed_header_entries_are_skipped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(
            {"OTEL_EXPORTER_OTLP_HEADERS": "good=1,novalue,=nokey,bad name=2,content-type=a/b"}
        )

    assert settings.headers == {"good": "1"}
    assert "Ignored entry 2 of OTEL_EXPORTER_OTLP_HEADERS: expected key=value" in caplog.text
    assert "Ignored entry 3 of OTEL_EXPORTER_OTLP_HEADERS: expected key=value" in caplog.text
    assert "entry 4 of OTEL_EXPORTER_OTLP_HEADERS: its name is not a valid" in caplog.text
    assert "Ignored header 'content-type' in entry 5" in caplog.text
    # Malformed entries may hold a secret: none of their text is logged.
    assert "novalue" not in caplog.text and "nokey" not in caplog.text
    assert "bad name" not in caplog.text


@pytest.mark.parametrize(
    "arguments, setting, default",
    [
        ({"endpoint": "localhost:4318"}, "url", "http://localhost:4318/v1/traces"),
        ({"endpoint": 4318}, "url", "http://localhost:4318/v1/traces"),
        ({"timeout": 0}, "timeout", 10.0),
        ({"timeout": float("nan")}, "timeout", 10.0),
        ({"timeout": True}, "timeout", 10.0),
        ({"timeout": "5"}, "timeout", 10.0),
        ({"compression": "zstd"}, "compression", "none"),
        ({"encoding": "grpc"}, "encoding", "protobuf"),
        ({"headers": "a=b"}, "headers", {}),
        ({"headers": {"ok": "1", "bad": "line\r\nbreak", 3: "x"}}, "headers", {"ok": "1"}),
    ],
)
def test_invalid_argument_logs_a_warning_and_uses_the_default(caplog, arguments, setting, default):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings({}, **arguments)

    assert getattr(settings, setting) == default
    assert "Ignored" in caplog.text


def test_constructor_with_bad_configuration_still_exports(receiver, caplog):
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(
            receiver.endpoint, timeout=-1, compression="lz4", encoding="xml", headers={"a\n": "b"}
        )

    assert _export_one(exporter) is SpanExportResult.SUCCESS
    assert receiver.requests[0].headers["Content-Type"] == "application/x-protobuf"
    assert caplog.text.count("Ignored") == 4
