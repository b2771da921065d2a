"""The OTLP metrics exporter: every record reaches the receiver as the official schema reads it.

The receiver's bodies are decoded with the ``opentelemetry-proto`` package
and compared with a request built here from the OTLP specification's
mapping, so the encoders are checked against the schema, not themselves.
"""

import json
import logging

import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2

from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export import MetricsExportResult
from opentelemetry.sdk.metrics.export.controller import PushController
from opentelemetry.sdk.metrics.export.otlp import OTLPMetricsExporter
from opentelemetry.sdk.resources import Resource

DELTA = metrics_pb2.AGGREGATION_TEMPORALITY_DELTA
CUMULATIVE = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE


def decode(request):
    message = metrics_service_pb2.ExportMetricsServiceRequest()
    if request.headers["Content-Type"] == "application/json":
        json_format.Parse(request.body, message)
    else:
        message.ParseFromString(request.body)
    return message


def attributes(labels):
    return [
        common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))
        for key, value in labels
    ]


def resource_of(meter):
    return resource_pb2.Resource(attributes=attributes(meter.resource.labels.items()))


def collected(meter):
    meter.collect()
    return meter.batcher.checkpoint_set()


def one_point(message):
    (resource_metrics,) = message.resource_metrics
    (scope_metrics,) = resource_metrics.scope_metrics
    return resource_metrics, list(scope_metrics.metrics)


@pytest.fixture(params=["protobuf", "json"])
def encoding(request):
    return request.param


def test_every_metric_kind_arrives_as_the_schema_says(receiver, encoding):
    meter = metrics.Meter(
        metrics.UngroupedBatcher(True, measure_boundaries=(1.0, 10.0)),
        resource=Resource({"service.name": "shop"}),
    )
    requests = meter.create_metric(
        "requests", "served", "1", int, metrics.Counter, ("route",), monotonic=True
    )
    balance = meter.create_metric("balance", "money", "EUR", float, metrics.Counter)
    queue = meter.create_metric("queue", "waiting", "1", int, metrics.Gauge, ("q",))
    latency = meter.create_metric("latency", "time taken", "ms", float, metrics.Measure)
    never_set = meter.create_metric("idle", "never set", "1", int, metrics.Gauge)
    home = meter.get_label_set({"route": "/"})
    requests.add(3, home)
    requests.add(1 << 40, meter.get_label_set({"route": "/big"}))
    balance.add(-2.5, metrics.EMPTY_LABEL_SET)
    queue.set(7, meter.get_label_set({"q": "a"}))
    for value in (0.5, 2.0, 20.0):
        latency.record(value, metrics.EMPTY_LABEL_SET)
    never_set.get_handle(metrics.EMPTY_LABEL_SET)
    records = collected(meter)
    by_name = {record.metric.name: record for record in records}
    exporter = OTLPMetricsExporter(endpoint=receiver.endpoint, encoding=encoding)
    assert exporter.export(records) is MetricsExportResult.SUCCESS
    (request,) = receiver.wait_for_requests(1)
    assert request.path == "/v1/metrics"

    start = by_name["requests"].start_time_unix_nano
    time = by_name["requests"].time_unix_nano
    assert 0 < start <= time
    gauge_time = by_name["queue"].aggregator.checkpoint_timestamp
    expected = metrics_service_pb2.ExportMetricsServiceRequest(
        resource_metrics=[
            metrics_pb2.ResourceMetrics(
                resource=resource_of(meter),
                scope_metrics=[
                    metrics_pb2.ScopeMetrics(
                        metrics=[
                            metrics_pb2.Metric(
                                name="requests",
                                description="served",
                                unit="1",
                                sum=metrics_pb2.Sum(
                                    data_points=[
                                        metrics_pb2.NumberDataPoint(
                                            attributes=attributes([("route", "/")]),
                                            start_time_unix_nano=start,
                                            time_unix_nano=time,
                                            as_int=3,
                                        ),
                                        metrics_pb2.NumberDataPoint(
                                            attributes=attributes([("route", "/big")]),
                                            start_time_unix_nano=start,
                                            time_unix_nano=time,
                                            as_int=1 << 40,
                                        ),
                                    ],
                                    aggregation_temporality=CUMULATIVE,
                                    is_monotonic=True,
                                ),
                            ),
                            metrics_pb2.Metric(
                                name="balance",
                                description="money",
                                unit="EUR",
                                sum=metrics_pb2.Sum(
                                    data_points=[
                                        metrics_pb2.NumberDataPoint(
                                            start_time_unix_nano=start,
                                            time_unix_nano=time,
                                            as_double=-2.5,
                                        )
                                    ],
                                    aggregation_temporality=CUMULATIVE,
                                ),
                            ),
                            metrics_pb2.Metric(
                                name="queue",
                                description="waiting",
                                unit="1",
                                gauge=metrics_pb2.Gauge(
                                    data_points=[
                                        metrics_pb2.NumberDataPoint(
                                            attributes=attributes([("q", "a")]),
                                            time_unix_nano=gauge_time,
                                            as_int=7,
                                        )
                                    ]
                                ),
                            ),
                            metrics_pb2.Metric(
                                name="latency",
                                description="time taken",
                                unit="ms",
                                histogram=metrics_pb2.Histogram(
                                    data_points=[
                                        metrics_pb2.HistogramDataPoint(
                                            start_time_unix_nano=start,
                                            time_unix_nano=time,
                                            count=3,
                                            sum=22.5,
                                            bucket_counts=[1, 1, 1],
                                            explicit_bounds=[1.0, 10.0],
                                            min=0.5,
                                            max=20.0,
                                        )
                                    ],
                                    aggregation_temporality=CUMULATIVE,
                                ),
                            ),
                        ]
                    )
                ],
            )
        ]
    )
    assert decode(request) == expected


def test_delta_batcher_sends_delta_sums_and_histograms_without_buckets(receiver, encoding):
    meter = metrics.Meter(metrics.UngroupedBatcher(False))
    counter = meter.create_metric("c", "", "", int, metrics.Counter, monotonic=True)
    measure = meter.create_metric("m", "", "", int, metrics.Measure)
    counter.add(2, metrics.EMPTY_LABEL_SET)
    measure.record(4, metrics.EMPTY_LABEL_SET)
    exporter = OTLPMetricsExporter(endpoint=receiver.endpoint, encoding=encoding)
    exporter.export(collected(meter))
    _, sent = one_point(decode(receiver.wait_for_requests(1)[0]))
    sum_metric, histogram_metric = sent
    assert sum_metric.sum.aggregation_temporality == DELTA
    assert sum_metric.sum.is_monotonic
    assert sum_metric.sum.data_points[0].as_int == 2
    point = histogram_metric.histogram.data_points[0]
    assert histogram_metric.histogram.aggregation_temporality == DELTA
    assert (point.count, point.sum, point.min, point.max) == (1, 4.0, 4.0, 4.0)
    assert list(point.bucket_counts) == [] and list(point.explicit_bounds) == []


def test_default_resource_names_the_service(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "billing")
    meter = metrics.Meter()
    meter.create_metric("c", "", "", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    OTLPMetricsExporter(endpoint=receiver.endpoint).export(collected(meter))
    resource_metrics, _ = one_point(decode(receiver.wait_for_requests(1)[0]))
    labels = {kv.key: kv.value.string_value for kv in resource_metrics.resource.attributes}
    assert labels["service.name"] == "billing"
    assert labels["telemetry.sdk.language"] == "python"


def test_metrics_specific_variables_win_over_the_general_ones(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint + "/custom/path")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-general=1")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "x-metrics=2")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip")  # not for metrics
    meter = metrics.Meter()
    meter.create_metric("c", "", "", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    exporter = OTLPMetricsExporter()
    assert exporter.export(collected(meter)) is MetricsExportResult.SUCCESS
    (request,) = receiver.wait_for_requests(1)
    assert request.path == "/custom/path"
    assert request.headers.get("x-metrics") == "2" and "x-general" not in request.headers
    assert request.headers["Content-Type"] == "application/json"
    assert "Content-Encoding" not in request.headers


def test_general_endpoint_gets_the_metrics_path(receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint + "/base/")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    meter = metrics.Meter()
    meter.create_metric("c", "", "", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    OTLPMetricsExporter().export(collected(meter))
    (request,) = receiver.wait_for_requests(1)
    assert request.path == "/base/v1/metrics"
    assert request.headers["Content-Encoding"] == "gzip"
    assert decode(request).resource_metrics[0].scope_metrics[0].metrics[0].name == "c"
    assert repr(OTLPMetricsExporter()).startswith("OTLPMetricsExporter(url='http://127.0.0.1:")


def test_rejected_request_is_a_failed_export_and_a_partial_success_is_logged(
    receiver, caplog, encoding
):
    meter = metrics.Meter()
    meter.create_metric("c", "", "", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    records = collected(meter)
    exporter = OTLPMetricsExporter(endpoint=receiver.endpoint, encoding=encoding)
    receiver.respond(400, body=b"")
    assert exporter.export(records) is MetricsExportResult.FAILED_NOT_RETRYABLE
    if encoding == "json":
        body = json.dumps(
            {"partialSuccess": {"rejectedDataPoints": "1", "errorMessage": "too old"}}
        ).encode()
    else:
        body = metrics_service_pb2.ExportMetricsServiceResponse(
            partial_success=metrics_service_pb2.ExportMetricsPartialSuccess(
                rejected_data_points=1, error_message="too old"
            )
        ).SerializeToString()
    receiver.respond(200, body=body)
    with caplog.at_level(logging.WARNING):
        assert exporter.export(records) is MetricsExportResult.SUCCESS
    assert "rejected 1 of 1 data points: too old" in caplog.text


def test_shut_down_exporter_fails_at_once_and_empty_exports_send_nothing(receiver):
    exporter = OTLPMetricsExporter(endpoint=receiver.endpoint)
    assert exporter.export([]) is MetricsExportResult.SUCCESS
    exporter.shutdown()
    meter = metrics.Meter()
    meter.create_metric("c", "", "", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    assert exporter.export(collected(meter)) is MetricsExportResult.FAILED_NOT_RETRYABLE
    assert receiver.requests == []


def test_push_controller_delivers_deltas_to_the_receiver(receiver):
    meter = metrics.Meter(metrics.UngroupedBatcher(False))
    counter = meter.create_metric("c", "", "", int, metrics.Counter, monotonic=True)
    controller = PushController(
        meter, OTLPMetricsExporter(endpoint=receiver.endpoint), 3600, shutdown_on_exit=False
    )
    counter.add(2, metrics.EMPTY_LABEL_SET)
    controller.tick()
    counter.add(5, metrics.EMPTY_LABEL_SET)
    controller.shutdown()
    sent = [
        one_point(decode(request))[1][0].sum.data_points[0].as_int
        for request in receiver.wait_for_requests(2)
    ]
    assert sent == [2, 5]


def test_zero_code_meter_sends_to_the_environments_endpoint_at_exit(receiver):
    import os
    import subprocess
    import sys

    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "OPENTELEMETRY_PYTHON"))
    }
    env.update(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_METER="opentelemetry.sdk.metrics",
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_SERVICE_NAME="worker",
    )
    program = (
        "from opentelemetry import metrics\n"
        "meter = metrics.meter()\n"
        "jobs = meter.create_metric(\n"
        "    'jobs', 'jobs done', '1', int, metrics.Counter, monotonic=True\n"
        ")\n"
        "jobs.add(4, meter.get_label_set({}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    (request,) = receiver.wait_for_requests(1)
    resource_metrics, (jobs,) = one_point(decode(request))
    labels = {kv.key: kv.value.string_value for kv in resource_metrics.resource.attributes}
    assert labels["service.name"] == "worker"
    assert (jobs.name, jobs.sum.data_points[0].as_int, jobs.sum.is_monotonic) == ("jobs", 4, True)
