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


def test_a_processor_added_while_a_span_is_open_sees_it_end():
    source = TracerSource(shutdown_on_exit=False)
    tracer = source.get_tracer(__name__)
    added = []
    for _ in range(3):  # with no processor yet, then one, then two
        span = tracer.start_span("open")
        late = _Recording()
        source.add_span_processor(late)
        added.append(late)
        span.end()
        assert late.ended == ["open"] and late.started == []
    tracer.start_span("after").end()
    assert [len(processor.started) for processor in added] == [3, 2, 1]
    assert [len(processor.ended) for processor in added] == [4, 3, 2]


def test_a_mock_with_the_processor_spec_is_a_processor():
    from unittest import mock

    processor = mock.Mock(spec=SpanProcessor)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    span = source.get_tracer(__name__).start_span("s")
    span.end()
    processor.on_start.assert_called_once_with(span)
    processor.on_end.assert_called_once_with(span)
    source.shutdown()
    processor.shutdown.assert_called_once_with()


def test_a_duck_typed_processor_without_flush_or_shutdown_still_works():
    class Minimal:
        def __init__(self):
            self.ended = []

        def on_start(self, span):
            pass

        def on_end(self, span):
            self.ended.append(span.name)

    minimal = Minimal()
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(minimal)
    source.get_tracer(__name__).start_span("s").end()
    assert minimal.ended == ["s"]
    assert source.force_flush(100) is True
    source.shutdown()


def test_something_without_the_processor_methods_is_refused_with_a_warning(caplog):
    source = TracerSource(shutdown_on_exit=False)
    with caplog.at_level(logging.WARNING):
        source.add_span_processor(object())
    source.get_tracer(__name__).start_span("s").end()
    assert "no on_start and on_end" in caplog.text
