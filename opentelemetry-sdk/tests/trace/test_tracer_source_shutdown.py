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
