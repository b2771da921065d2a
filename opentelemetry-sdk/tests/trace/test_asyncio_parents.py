"""Spans started in many concurrent asyncio tasks get their own task's parent."""

import asyncio

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def test_concurrent_tasks_each_see_their_own_current_span():
    exporter = InMemorySpanExporter()
    processor = BatchExportSpanProcessor(exporter)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    tracer = source.get_tracer(__name__)
    tasks = 200

    async def request(index):
        with tracer.start_as_current_span("request-{}".format(index)):
            await asyncio.sleep(0)  # let the other tasks interleave
            with tracer.start_as_current_span("query-{}".format(index)):
                await asyncio.sleep(0)
                tracer.start_span("row-{}".format(index)).end()
                await asyncio.sleep(0)
            await asyncio.sleep(0)

    async def main():
        with tracer.start_as_current_span("server"):
            await asyncio.gather(*(request(i) for i in range(tasks)))

    asyncio.run(asyncio.wait_for(main(), 30))
    assert processor.force_flush(10000)
    processor.shutdown()

    spans = {span.name: span for span in exporter.get_finished_spans()}
    assert len(spans) == 3 * tasks + 1
    server = spans["server"]
    assert server.parent is None
    for index in range(tasks):
        request_span = spans["request-{}".format(index)]
        query = spans["query-{}".format(index)]
        row = spans["row-{}".format(index)]
        assert request_span.parent is server
        assert query.parent is request_span
        assert row.parent is query
        assert row.context.trace_id == server.context.trace_id
    assert source.get_current_span() is None


def test_async_generator_finished_in_another_task_leaves_that_tasks_span_current():
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    tracer = source.get_tracer(__name__)
    seen = {}

    async def rows():
        with tracer.start_as_current_span("rows"):
            yield 1
            yield 2

    async def first_request(stream):
        with tracer.start_as_current_span("request-1"):
            await stream.__anext__()  # "rows" is entered in this task's context

    async def second_request(stream):
        with tracer.start_as_current_span("request-2") as request:
            await stream.__anext__()
            await stream.aclose()  # "rows" is left in this task's context
            seen["current"] = source.get_current_span()
            with tracer.start_as_current_span("query") as query:
                seen["query trace"] = query.context.trace_id
            seen["request trace"] = request.context.trace_id
            seen["request"] = request

    async def main():
        stream = rows()
        await asyncio.create_task(first_request(stream))
        await asyncio.create_task(second_request(stream))

    asyncio.run(main())
    exporter.shutdown()

    assert seen["current"] is seen["request"]
    assert seen["query trace"] == seen["request trace"]
