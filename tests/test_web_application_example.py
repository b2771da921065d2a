"""The guide's two-service example: one trace across a front end, an inventory service, a query.

Both services run as their own processes on 127.0.0.1, configured by
``configure_tracing`` and the environment, and export over OTLP to a local
receiver: the backend's view of the trace.
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = 30


def _environment(endpoint):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENTELEMETRY_PYTHON", "OTEL_"))
    }
    env.update(
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL="http/json",
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    return env


class _Service:
    """An example service in its own process; ``url`` once it listens."""

    def __init__(self, script, env, *arguments):
        self.process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script), "--port", "0", *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        lines = queue.Queue()
        threading.Thread(
            target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True
        ).start()
        try:
            listening = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            listening = ""
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)/\n", listening)
        if match is None:
            self.stop()
            raise AssertionError("{} did not start: {}".format(script, self.errors))
        self.url = match.group(1)

    def stop(self):
        self.process.terminate()
        try:
            _, self.errors = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, self.errors = self.process.communicate(timeout=TIMEOUT)


def _spans_by_service(requests):
    spans = {}
    for request in requests:
        for resource_spans in json.loads(request.body)["resourceSpans"]:
            labels = {a["key"]: a["value"] for a in resource_spans["resource"]["attributes"]}
            service = labels["service.name"]["stringValue"]
            for scope_spans in resource_spans["scopeSpans"]:
                spans.setdefault(service, []).extend(scope_spans["spans"])
    return spans


def _received_spans(receiver, count):
    """The spans by service once ``count`` have arrived, or after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        requests = receiver.wait_for_requests(0)
        spans = _spans_by_service(requests)
        if sum(len(group) for group in spans.values()) >= count or time.monotonic() > deadline:
            return spans
        receiver.wait_for_requests(len(requests) + 1, timeout=0.5)


def _attributes(span):
    return {a["key"]: next(iter(a["value"].values())) for a in span.get("attributes", [])}


def test_one_trace_across_the_front_end_the_inventory_and_its_query(receiver):
    env = _environment(receiver.endpoint)
    inventory = _Service("inventory_service.py", env)
    try:
        frontend = _Service("frontend_service.py", env, "--inventory", inventory.url)
        try:
            order = frontend.url + "/order?item=apples&item=pears"
            with urllib.request.urlopen(order, timeout=TIMEOUT) as answer:
                assert answer.read() == b"12 apples in stock\n0 pears in stock\n"
            spans = _received_spans(receiver, 7)
        finally:
            frontend.stop()
    finally:
        inventory.stop()
    assert "Traceback" not in frontend.errors + inventory.errors, frontend.errors + inventory.errors
    # flush_on_sigterm exported what was queued, then let SIGTERM end them as before.
    assert frontend.process.returncode == inventory.process.returncode == -signal.SIGTERM

    by_id = {s["spanId"]: s for group in spans.values() for s in group}
    (front_server,) = [s for s in spans["frontend"] if s["kind"] == 2]  # SERVER
    front_clients = [s for s in spans["frontend"] if s["kind"] == 3]  # CLIENT
    inventory_servers = [s for s in spans["inventory"] if s["kind"] == 2]
    queries = [s for s in spans["inventory"] if s["kind"] == 3]
    assert len(by_id) == 7 and len(front_clients) == len(inventory_servers) == len(queries) == 2
    assert front_server["name"] == "GET /order"
    assert {s["name"] for s in front_clients} == {s["name"] for s in inventory_servers} == {
        "GET /stock"
    }
    assert {s["name"] for s in queries} == {"SELECT stock"}
    assert all(_attributes(s)["db.system"] == "sqlite" for s in queries)
    assert _attributes(front_server)["http.status_code"] == "200"  # int64 as a JSON string
    # One trace. The calls from the pool's threads are children of the request;
    # each inventory request is the child of its call, each query of its request.
    assert {s["traceId"] for s in by_id.values()} == {front_server["traceId"]}
    assert not front_server.get("parentSpanId")
    assert all(s["parentSpanId"] == front_server["spanId"] for s in front_clients)
    assert sorted(s["parentSpanId"] for s in inventory_servers) == sorted(
        s["spanId"] for s in front_clients
    )
    assert sorted(s["parentSpanId"] for s in queries) == sorted(
        s["spanId"] for s in inventory_servers
    )
    # Nothing set a status: every span is UNSET (no status field).
    assert all("status" not in s for s in by_id.values())
