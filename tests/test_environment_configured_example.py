"""An app configured by environment alone exports over OTLP, with its service identity."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "configured_by_environment.py"
TIMEOUT = 30


def _clean_environment():
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OTEL_", "OPENTELEMETRY_PYTHON"))
    }


def _run(env):
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "counted 11\n"
    return result


def test_the_example_exports_its_spans_and_service_identity_over_otlp(receiver):
    env = _clean_environment()
    env.update(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE="opentelemetry.sdk.trace",
        OTEL_SERVICE_NAME="inventory",
        OTEL_RESOURCE_ATTRIBUTES="deployment.environment=staging,team=stock%20room",
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL="http/json",
    )
    _run(env)
    (request,) = receiver.wait_for_requests(1, timeout=TIMEOUT)
    assert request.path == "/v1/traces"
    (resource_spans,) = json.loads(request.body)["resourceSpans"]
    labels = {
        a["key"]: a["value"]["stringValue"] for a in resource_spans["resource"]["attributes"]
    }
    assert labels["service.name"] == "inventory"
    assert labels["deployment.environment"] == "staging"
    assert labels["team"] == "stock room"
    assert labels["telemetry.sdk.name"] == "opentelemetry"
    assert labels["telemetry.sdk.language"] == "python"
    assert labels["telemetry.sdk.version"]
    spans = [span for scope in resource_spans["scopeSpans"] for span in scope["spans"]]
    by_name = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    (root,) = by_name["restock"]
    assert len(by_name["count-stock"]) == 2
    assert all(child["parentSpanId"] == root["spanId"] for child in by_name["count-stock"])


def test_without_a_service_name_the_spans_name_an_unknown_service(receiver):
    env = _clean_environment()
    env.update(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE="opentelemetry.sdk.trace",
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL="http/json",
    )
    _run(env)
    (request,) = receiver.wait_for_requests(1, timeout=TIMEOUT)
    (resource_spans,) = json.loads(request.body)["resourceSpans"]
    labels = {
        a["key"]: a["value"]["stringValue"] for a in resource_spans["resource"]["attributes"]
    }
    assert labels["service.name"] == "unknown_service:" + os.path.basename(sys.executable)


def test_with_the_sdk_disabled_nothing_is_exported(receiver):
    env = _clean_environment()
    env.update(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE="opentelemetry.sdk.trace",
        OTEL_SDK_DISABLED="true",
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
    )
    _run(env)
    assert receiver.requests == []
