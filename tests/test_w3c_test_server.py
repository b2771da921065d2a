"""The W3C test service (tests/w3c_test_server.py), driven as the W3C suite drives it."""

import json
import os
import queue
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parent / "w3c_test_server.py"
TIMEOUT = 30
TRACE_ID = "12345678901234567890123456789012"
TRACEPARENT = "00-{}-1234567890123456-01".format(TRACE_ID)


class Harness:
    """Stands in for the suite's harness: records the headers of each callback."""

    def __init__(self):
        calls = self.calls = queue.Queue()

        class Callback(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                calls.put((self.path, self.headers))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Callback)
        self.url = "http://127.0.0.1:{}/callback/".format(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def received(self, count):
        results = dict(self.calls.get(timeout=TIMEOUT) for _ in range(count))
        return [results[self.url[self.url.index("/callback/"):] + str(i)] for i in range(count)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=TIMEOUT)


@pytest.fixture(name="service", scope="module")
def fixture_service():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    process = subprocess.Popen(
        [sys.executable, str(SERVICE), "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        url = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/test)\n", lines.get(timeout=TIMEOUT))
        yield url.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=TIMEOUT)
        process.stdout.close()


@pytest.fixture(name="harness")
def fixture_harness():
    harness = Harness()
    yield harness
    harness.close()


def drive(service, headers, arguments):
    request = urllib.request.Request(service, data=json.dumps(arguments).encode(), method="POST")
    for name, value in headers:
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.status == 200


def traceparent_of(headers):
    values = headers.get_all("traceparent")
    assert values and len(values) == 1, values
    version, trace_id, parent_id, flags = values[0].split("-")
    return version, trace_id, parent_id, flags


def test_each_callback_continues_the_trace_with_its_own_parent_id(service, harness):
    drive(service, [("traceparent", TRACEPARENT), ("tracestate", "foo=1,bar=2")],
          [{"url": harness.url + str(i), "arguments": []} for i in range(3)])
    received = harness.received(3)
    parents = [traceparent_of(headers) for headers in received]
    assert {trace_id for _, trace_id, _, _ in parents} == {TRACE_ID}
    assert len({parent_id for _, _, parent_id, _ in parents}) == 3
    assert all(version == "00" and flags == "01" for version, _, _, flags in parents)
    assert all(headers.get_all("tracestate") == ["foo=1,bar=2"] for headers in received)


def test_invalid_traceparent_starts_a_new_trace_without_tracestate(service, harness):
    drive(service, [("traceparent", "00-" + "0" * 32 + "-1234567890123456-01"), ("tracestate", "foo=1")],
          [{"url": harness.url + "0", "arguments": []}])
    (headers,) = harness.received(1)
    _, trace_id, _, _ = traceparent_of(headers)
    assert trace_id not in (TRACE_ID, "0" * 32)
    assert headers.get_all("tracestate") is None


def test_nested_calls_through_the_service_keep_the_trace(service, harness):
    drive(service, [("TraceParent", TRACEPARENT)],
          [{"url": service, "arguments": [{"url": harness.url + "0", "arguments": []}]}])
    (headers,) = harness.received(1)
    assert traceparent_of(headers)[1] == TRACE_ID


def test_malformed_instructions_are_refused(service):
    request = urllib.request.Request(service, data=b"{not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=TIMEOUT)
    assert error.value.code == 400
    error.value.close()
