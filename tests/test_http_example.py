"""The HTTP example pair: one trace across two processes, on 127.0.0.1."""

import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "examples" / "http_server.py"
CLIENT = ROOT / "examples" / "http_client.py"
TIMEOUT = 30

_IDS = r"SpanContext\(trace_id=0x(?P<{p}trace>[0-9a-f]{{32}}), span_id=0x(?P<{p}span>[0-9a-f]{{16}}), trace_state=\{{\}}\)"
SPAN_LINE = re.compile(
    r"Span\(name=\"(?P<name>[^\"]*)\", context="
    + _IDS.format(p="")
    + r", kind=SpanKind\.(?P<kind>\w+), parent=(?:None|"
    + _IDS.format(p="parent_")
    + r"), start_time="
)


def _environment():
    return {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}


def _span(line):
    match = SPAN_LINE.match(line)
    assert match, line
    return match


def test_server_span_is_a_child_of_the_client_span_across_processes():
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    lines: "queue.Queue[str]" = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True)
    reader.start()
    try:
        listening = lines.get(timeout=TIMEOUT)
        url = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/)\n", listening).group(1)
        client = subprocess.run(
            [sys.executable, str(CLIENT), url],
            capture_output=True,
            text=True,
            env=_environment(),
            timeout=TIMEOUT,
        )
        assert client.returncode == 0, client.stderr
        answer, client_line = client.stdout.splitlines()
        server_line = lines.get(timeout=TIMEOUT)
    finally:
        server.terminate()
        try:
            server.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=TIMEOUT)
        server.stdout.close()
        server.stderr.close()

    client_span, server_span = _span(client_line), _span(server_line)
    assert client_span["kind"] == "CLIENT" and client_span["parent_span"] is None
    assert server_span["kind"] == "SERVER"
    assert server_span["name"] == "GET /"
    # One trace, and the server span's parent is the client span.
    assert server_span["trace"] == client_span["trace"]
    assert server_span["parent_trace"] == client_span["trace"]
    assert server_span["parent_span"] == client_span["span"]
    assert server_span["span"] != client_span["span"]
    assert answer == "served in trace " + client_span["trace"]
