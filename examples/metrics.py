"""Metrics: a counter, a gauge and a measure, printed every second.

Run it as ``python examples/metrics.py [SECONDS]`` (5 by default). Every
second the push controller collects the meter and the console exporter
prints one line per series; at exit it prints the last second's too.
"""

import sys
import time

from opentelemetry import metrics
from opentelemetry.sdk.metrics import Counter, Gauge, Measure, Meter
from opentelemetry.sdk.metrics.export import ConsoleMetricsExporter
from opentelemetry.sdk.metrics.export.controller import PushController

metrics.set_preferred_meter_implementation(lambda T: Meter())
meter = metrics.meter()

requests = meter.create_metric(
    "requests", "requests served", "1", int, Counter, ("route",), monotonic=True
)
queue_length = meter.create_metric("queue_length", "jobs waiting", "1", int, Gauge, ("queue",))
latency = meter.create_metric(
    "latency", "time to serve a request", "ms", float, Measure, ("route",)
)

# Collect and print every second; at interpreter exit, once more.
controller = PushController(meter, ConsoleMetricsExporter(), 1)

home = meter.get_label_set({"route": "/"})
email = meter.get_label_set({"queue": "email"})
home_requests = requests.get_handle(home)  # bound once, cheaper at every add

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
deadline = time.monotonic() + seconds
served = 0
while time.monotonic() < deadline:
    started = time.perf_counter()
    time.sleep(0.05)  # the work of serving one request
    home_requests.add(1)
    latency.record((time.perf_counter() - started) * 1000, home)
    queue_length.set(served % 5, email)
    served += 1
print("served", served, "requests")
