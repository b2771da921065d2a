"""An application instrumented with the API alone, traced by environment variables only.

Nothing here names the SDK, an exporter or a service: the environment does::

    OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace \\
    OTEL_SERVICE_NAME=inventory \\
    OTEL_RESOURCE_ATTRIBUTES=deployment.environment=staging \\
    OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 \\
    python examples/configured_by_environment.py

The API's loader imports the SDK, which builds a tracer source from the
``OTEL_*`` variables (see ``docs/configuration.rst``): the service's
identity, the sampler, a batch processor with the OTLP exporter. The spans
are exported when the program exits. Without the first variable the same
program runs untraced, at the API's no-op cost.
"""

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def count_stock(item):
    with tracer.start_as_current_span("count-stock") as span:
        span.set_attribute("inventory.item", item)
        return len(item)


def main():
    with tracer.start_as_current_span("restock", kind=trace.SpanKind.SERVER):
        total = sum(count_stock(item) for item in ("apples", "pears"))
    print("counted", total)


if __name__ == "__main__":
    main()
