"""The metrics example pushes a counter, a gauge and a measure to the console, and exits cleanly."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "metrics.py"
LINE = re.compile(
    r'ConsoleMetricsExporter\(data="(?P<kind>\w+)\(name="(?P<name>\w+)", description="[^"]*"\)", '
    r'label_set="(?P<labels>[^"]*)", value=(?P<value>.*)\)$'
)


def test_metrics_example_prints_every_second_and_the_last_interval_at_exit():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "2"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    served_lines = [line for line in lines if line.startswith("served ")]
    assert len(served_lines) == 1
    served = int(served_lines[0].split()[1])
    assert served > 0
    exported = [LINE.match(line) for line in lines if line is not served_lines[0]]
    assert all(exported), lines
    requests = [int(m["value"]) for m in exported if m["name"] == "requests"]
    # At least one export during the run, and the last one at exit holds every request.
    assert len(requests) >= 2
    assert requests == sorted(requests)  # cumulative
    assert requests[-1] == served
    assert lines.index(served_lines[0]) < len(lines) - 3  # the exit export follows it
    gauges = [m for m in exported if m["name"] == "queue_length"]
    assert gauges and all(m["kind"] == "Gauge" and 0 <= int(m["value"]) < 5 for m in gauges)
    assert gauges[-1]["labels"] == "(('queue', 'email'),)"
    latencies = [m["value"] for m in exported if m["name"] == "latency"]
    assert latencies[-1].startswith("Distribution(min=")
    assert "count={},".format(served) in latencies[-1]
