"""Testing instrumented code: its spans land in memory, for the test to read.

Run with ``pytest examples/testing_instrumented_code.py``. In a real project
the set-up part goes in ``conftest.py``.
"""

import pytest

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)


# The code under test, instrumented through the API only.
def checkout(cart):
    tracer = trace.get_tracer(__name__)
    with tracer.start_as_current_span("checkout") as span:
        span.set_attribute("cart.size", len(cart))
        for item in cart:
            with tracer.start_as_current_span("reserve") as reserve:
                reserve.set_attribute("item", item)


# Set-up, once per test session: the SDK, exporting each span as it ends.
EXPORTER = InMemorySpanExporter()
SOURCE = TracerSource(shutdown_on_exit=False)
SOURCE.add_span_processor(SimpleExportSpanProcessor(EXPORTER))
trace.set_preferred_tracer_source_implementation(lambda api_type: SOURCE)


@pytest.fixture
def exporter():
    EXPORTER.clear()  # each test sees only its own spans
    return EXPORTER


def test_checkout_reserves_each_item_inside_the_checkout_span(exporter):
    checkout(["book", "pen"])

    reserve_book, reserve_pen, checkout_span = exporter.get_finished_spans()
    assert checkout_span.name == "checkout"
    assert checkout_span.attributes["cart.size"] == 2
    assert reserve_book.attributes["item"] == "book"
    assert reserve_pen.attributes["item"] == "pen"
    assert reserve_book.parent is checkout_span
    assert reserve_pen.parent is checkout_span


def test_empty_cart_makes_one_span(exporter):
    checkout([])

    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["checkout"]
