"""MultiSpanProcessor: a broken processor is isolated from the others and the app."""

import itertools
import logging

from opentelemetry.sdk.trace import MultiSpanProcessor, SpanProcessor, TracerSource

_names = itertools.count()


class _Recording(SpanProcessor):
    def __init__(self, flushed=True):
        self.started, self.ended, self.shutdowns, self.flushed = [], [], 0, flushed

    def on_start(self, span):
        self.started.append(span.name)

    def on_end(self, span):
        self.ended.append(span.name)

    def shutdown(self):
        self.shutdowns += 1

    def force_flush(self, timeout_millis=30000):
        return self.flushed


class _Broken(SpanProcessor):
    def __init__(self):
        self.name = "Broken-{}".format(next(_names))

    def on_start(self, span):
        raise RuntimeError("on_start broke")

    def on_end(self, span):
        raise RuntimeError("on_end broke")

    def shutdown(self):
        raise RuntimeError("shutdown broke")

    def force_flush(self, timeout_millis=30000):
        raise RuntimeError("force_flush broke")

    def __repr__(self):
        return self.name


def test_broken_processor_is_reported_and_the_others_still_run(caplog):
    before, after = _Recording(), _Recording()
    source = TracerSource(shutdown_on_exit=False)
    for processor in (before, _Broken(), after):
        source.add_span_processor(processor)
    tracer = source.get_tracer(__name__)
    with caplog.at_level(logging.ERROR):
        for _ in range(10):
            tracer.start_span("s").end()
        assert source.force_flush(1000) is False
        source.shutdown()
    assert before.ended == after.ended == ["s"] * 10
    assert before.started == after.started == ["s"] * 10
    assert before.shutdowns == after.shutdowns == 1
    for method in ("on_start", "on_end", "force_flush", "shutdown"):
        reports = [r for r in caplog.records if r.getMessage().endswith("failed in " + method)]
        assert len(reports) == 1  # rate-limited: once, not ten times
        assert "{} broke".format(method) in str(reports[0].exc_info[1])


def test_force_flush_is_true_only_when_every_processor_flushed():
    multi = MultiSpanProcessor()
    multi.add_span_processor(_Recording(flushed=True))
    assert multi.force_flush(1000) is True
    multi.add_span_processor(_Recording(flushed=False))
    assert multi.force_flush(1000) is False
