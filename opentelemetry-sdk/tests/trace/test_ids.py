"""Trace and span ids: never zero, in range, distinct across threads and forks."""

import os
import random
import signal
import threading

import pytest
from forked_child import read_all

from opentelemetry.sdk.trace import TracerSource, generate_span_id, generate_trace_id
from opentelemetry.sdk.trace import ids


def test_ids_are_non_zero_and_fit_their_width():
    trace_ids = [generate_trace_id() for _ in range(1000)]
    span_ids = [generate_span_id() for _ in range(1000)]
    assert all(0 < t < 2**128 for t in trace_ids)
    assert all(0 < s < 2**64 for s in span_ids)
    assert len(set(trace_ids)) == 1000 and len(set(span_ids)) == 1000


def test_a_zero_draw_is_replaced(monkeypatch):
    draws = iter([0, 0, 5, 0, 9])
    monkeypatch.setattr(ids, "random_bits", lambda bits: next(draws))
    assert generate_trace_id() == 5
    assert generate_span_id() == 9


def test_seeding_the_random_module_does_not_repeat_ids():
    random.seed(1234)
    first = [generate_trace_id(), generate_span_id()]
    random.seed(1234)
    second = [generate_trace_id(), generate_span_id()]
    assert first != second


def test_ids_made_in_parallel_threads_are_distinct():
    per_thread = 5000
    results = []
    barrier = threading.Barrier(4)

    def make_ids():
        barrier.wait(5)
        results.append([(generate_trace_id(), generate_span_id()) for _ in range(per_thread)])

    threads = [threading.Thread(target=make_ids) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 4
    all_ids = [pair for batch in results for pair in batch]
    assert len({trace_id for trace_id, _ in all_ids}) == 4 * per_thread
    assert len({span_id for _, span_id in all_ids}) == 4 * per_thread


def test_spans_of_one_source_get_distinct_ids():
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(__name__)
    spans = [tracer.start_span(str(i)) for i in range(500)]
    assert len({s.context.span_id for s in spans}) == 500
    assert len({s.context.trace_id for s in spans}) == 500


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_does_not_repeat_the_parents_ids():
    count = 50
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next ids, then leave without pytest's cleanup
        try:
            os.close(read_fd)
            made = [generate_trace_id() for _ in range(count)]
            made += [generate_span_id() for _ in range(count)]
            os.write(write_fd, " ".join(map(str, made)).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    parent_ids = [generate_trace_id() for _ in range(count)]
    parent_ids += [generate_span_id() for _ in range(count)]
    try:
        child_ids = [int(text) for text in read_all(read_fd, 10).split()]
    except AssertionError:
        os.kill(pid, signal.SIGKILL)  # so the wait below is bounded too
        raise
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    assert len(child_ids) == 2 * count
    assert all(child_ids)
    assert not set(child_ids) & set(parent_ids)
