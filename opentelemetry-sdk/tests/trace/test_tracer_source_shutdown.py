"""TracerSource.shutdown: once, from any thread, and at interpreter exit."""

import subprocess
import sys
import textwrap
import threading

from opentelemetry.sdk.trace import SpanProcessor, TracerSource


class _CountingProcessor(SpanProcessor):
    def __init__(self):
        self.shutdowns = 0

    def shutdown(self):
        self.shutdowns += 1


def test_shutdown_twice_shuts_processors_down_once():
    source = TracerSource(shutdown_on_exit=False)
    processor = _CountingProcessor()
    source.add_span_processor(processor)
    source.shutdown()
    source.shutdown()
    assert processor.shutdowns == 1


def test_shutdown_from_many_threads_shuts_processors_down_once():
    source = TracerSource(shutdown_on_exit=False)
    processor = _CountingProcessor()
    source.add_span_processor(processor)
    callers = [threading.Thread(target=source.shutdown) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
        assert not caller.is_alive()
    assert processor.shutdowns == 1


def test_source_is_shut_down_at_exit_unless_it_already_was():
    program = textwrap.dedent(
        """
        from opentelemetry.sdk.trace import SpanProcessor, TracerSource

        class Announcing(SpanProcessor):
            def __init__(self, name):
                self.name = name
            def shutdown(self):
                print("shutdown", self.name)

        kept = TracerSource()
        kept.add_span_processor(Announcing("at-exit"))
        early = TracerSource()
        early.add_span_processor(Announcing("early"))
        early.shutdown()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["shutdown early", "shutdown at-exit"]


def test_processor_added_after_shutdown_is_refused_with_a_warning(caplog):
    source = TracerSource(shutdown_on_exit=False)
    source.shutdown()
    late = _CountingProcessor()
    ended = []
    late.on_end = ended.append

    source.add_span_processor(late)
    source.get_tracer("late").start_span("s").end()

    assert ended == []
    assert "refused: the tracer source has been shut down" in caplog.text


def test_shutdown_re_entered_from_a_processors_shutdown_returns():
    source = TracerSource(shutdown_on_exit=False)

    class ReEntering(_CountingProcessor):
        def shutdown(self):
            super().shutdown()
            source.shutdown()  # same thread, inside the first call: must not wait for itself

    processor = ReEntering()
    source.add_span_processor(processor)
    caller = threading.Thread(target=source.shutdown, daemon=True)
    caller.start()
    caller.join(10)

    assert not caller.is_alive()
    assert processor.shutdowns == 1


def test_sources_that_become_garbage_leave_nothing_registered_at_exit():
    import atexit
    import gc
    import weakref

    TracerSource()  # the first one may register the one exit hook
    gc.collect()
    registered = atexit._ncallbacks()
    sources = [TracerSource() for _ in range(50)]
    references = [weakref.ref(source) for source in sources]
    del sources
    gc.collect()

    assert all(reference() is None for reference in references)
    assert atexit._ncallbacks() == registered
