"""The HTTP example pair exports one cross-process trace over OTLP when an endpoint is set."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SERVER = ROOT / "examples" / "http_server.py"
CLIENT = ROOT / "examples" / "http_client.py"
TIMEOUT = 30


def _environment(endpoint):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    env.update(OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_EXPORTER_OTLP_PROTOCOL="http/json")
    return env


def _spans_by_service(requests):
    spans = {}
    for request in requests:
        for resource_spans in json.loads(request.body)["resourceSpans"]:
            labels = {a["key"]: a["value"] for a in resource_spans["resource"]["attributes"]}
            service = labels["service.name"]["stringValue"]
            for scope_spans in resource_spans["scopeSpans"]:
                spans.setdefault(service, []).extend(scope_spans["spans"])
    return spans


def test_both_processes_export_one_trace_to_the_collector(receiver):
    env = _environment(receiver.endpoint)
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        listening = server.stdout.readline()
        url = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/)\n", listening).group(1)
        client = subprocess.run(
            [sys.executable, str(CLIENT), url], capture_output=True, text=True, env=env,
            timeout=TIMEOUT,
        )
        assert client.returncode == 0, client.stderr
    finally:
        server.terminate()  # SIGTERM: the example exits normally and flushes its batch
        _, server_errors = server.communicate(timeout=TIMEOUT)
    assert server.returncode == 0, server_errors

    spans = _spans_by_service(receiver.wait_for_requests(2, timeout=TIMEOUT))
    (client_span,) = spans["example-http-client"]
    (server_span,) = spans["example-http-server"]
    assert client_span["kind"] == 3 and server_span["kind"] == 2  # CLIENT, SERVER
    assert server_span["traceId"] == client_span["traceId"]
    assert server_span["parentSpanId"] == client_span["spanId"]
    assert "parentSpanId" not in client_span or not client_span["parentSpanId"]
