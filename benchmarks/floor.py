"""The floor: the least a correct pure-Python span can do, to compare both libraries with.

As the issue defines it: a ``__slots__`` object with a name, a random trace id
and span id, two ``time.time_ns()`` calls, and a ContextVar set and reset
behind a ``with``. It is the floor of every single-span scenario (b, c, f);
``d`` gets three nested floor spans, ``e`` a floor span that also copies the
attributes. Standard library only; run with no ``opentelemetry`` on the path.
"""

import contextvars
import random
import time

_current: "contextvars.ContextVar[object]" = contextvars.ContextVar("current_span", default=None)
_getrandbits = random.Random().getrandbits
_time_ns = time.time_ns


class FloorSpan:
    """A span reduced to what cannot be skipped."""

    __slots__ = ("name", "trace_id", "span_id", "attributes", "start_time", "end_time", "_token")

    def __init__(self, name, attributes=None):
        self.name = name
        self.trace_id = _getrandbits(128)
        self.span_id = _getrandbits(64)
        self.attributes = dict(attributes) if attributes else None
        self.end_time = None
        self.start_time = _time_ns()

    def __enter__(self):
        self._token = _current.set(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _current.reset(self._token)
        self.end_time = _time_ns()


def _check_span(span):
    assert span.end_time is not None and span.end_time >= span.start_time
    assert _current.get() is None


def setup_b():
    def run(iterations):
        for _ in range(iterations):
            with FloorSpan("s"):
                pass

    def check():
        with FloorSpan("s") as span:
            assert _current.get() is span
        _check_span(span)

    return run, check


setup_c = setup_b


def setup_d():
    def run(iterations):
        for _ in range(iterations):
            with FloorSpan("outer"):
                with FloorSpan("middle"):
                    with FloorSpan("inner"):
                        pass

    def check():
        with FloorSpan("outer") as outer:
            with FloorSpan("middle"):
                with FloorSpan("inner") as inner:
                    assert _current.get() is inner
        _check_span(outer)

    return run, check


def setup_e(attributes):
    def run(iterations):
        for _ in range(iterations):
            with FloorSpan("s", attributes):
                pass

    def check():
        with FloorSpan("s", attributes) as span:
            pass
        assert span.attributes == attributes
        _check_span(span)

    return run, check


setup_f = setup_b
