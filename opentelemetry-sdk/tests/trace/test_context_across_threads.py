"""The documented way to carry the current span into threads, pools and run_in_executor."""

import asyncio
import concurrent.futures
import threading

from opentelemetry.context import Context


def _child_of_current(tracer, results):
    def work(name="work"):
        with tracer.start_as_current_span(name) as span:
            results.append(span)
        return span

    return work


def test_a_plain_thread_starts_with_no_current_span(tracer):
    results = []
    with tracer.start_as_current_span("request"):
        thread = threading.Thread(target=_child_of_current(tracer, results))
        thread.start()
        thread.join(10)
    (span,) = results
    assert span.parent is None  # what the documentation warns about


def test_with_current_context_carries_the_span_into_a_thread(tracer):
    results = []
    with tracer.start_as_current_span("request") as request:
        thread = threading.Thread(target=Context.with_current_context(_child_of_current(tracer, results)))
        thread.start()
        thread.join(10)
    (span,) = results
    assert span.parent is request
    assert span.get_context().trace_id == request.get_context().trace_id


def test_with_current_context_carries_the_span_into_a_thread_pool(tracer):
    results = []
    work = _child_of_current(tracer, results)
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        with tracer.start_as_current_span("request") as request:
            futures = [
                executor.submit(Context.with_current_context(work), "item{}".format(i)) for i in range(4)
            ]
            spans = [future.result(10) for future in futures]
        later = executor.submit(work).result(10)  # the pool's threads kept nothing
    assert all(span.parent is request for span in spans)
    assert later.parent is None


def test_with_current_context_carries_the_span_into_run_in_executor(tracer):
    results = []
    work = _child_of_current(tracer, results)

    async def main():
        loop = asyncio.get_running_loop()
        with tracer.start_as_current_span("request") as request:
            span = await loop.run_in_executor(None, Context.with_current_context(work))
        return request, span

    request, span = asyncio.run(main())
    assert span.parent is request


def test_what_the_wrapped_function_changes_stays_inside_each_call(tracer):
    with tracer.start_as_current_span("request") as request:
        wrapped = Context.with_current_context(lambda: tracer.start_as_current_span("inner").__enter__())
    first = wrapped()
    second = wrapped()
    assert first.parent is request and second.parent is request  # not first
    assert tracer.get_current_span() is None
