"""The tracing API.

A library creates spans through a :class:`Tracer` from :func:`get_tracer`;
with no implementation configured every call is a cheap no-op. An
application chooses the implementation, usually the SDK's ``TracerSource``,
with :func:`set_preferred_tracer_source_implementation` or the environment
variable ``OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE`` (see
:mod:`opentelemetry.util.loader`).

The choice may come after libraries took their tracers: the source is
resolved on first use (the first span, or :func:`tracer_source`), and a
tracer handed out before that records once it is.
"""

from __future__ import annotations

import logging

from ..util import loader
from ._lazy_tracer import LazyTracer
from .span import INVALID_SPAN, DefaultSpan, Event, Link, Span, SpanKind
from .span_context import (
    DEFAULT_TRACE_OPTIONS,
    DEFAULT_TRACE_STATE,
    INVALID_SPAN_CONTEXT,
    INVALID_SPAN_ID,
    INVALID_TRACE_ID,
    SpanContext,
    TraceOptions,
    format_span_id,
    format_trace_id,
)
from .status import Status as Status  # v0.3 offered it here too
from .trace_state import TraceState
from .tracer import DefaultTracer, DefaultTracerSource, Tracer, TracerSource

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional, Type

    from .tracer import ParentSpan

    #: Builds the tracer source; called once with :class:`TracerSource`.
    TracerSourceFactory = Callable[[Type[TracerSource]], TracerSource]
else:

    def __getattr__(name: str) -> object:
        # The public aliases need typing, which is slow to import: they are
        # built on first use and kept.
        if name == "ParentSpan":
            from .tracer import ParentSpan as alias
        elif name == "TracerSourceFactory":
            from typing import Callable, Type

            alias = Callable[[Type[TracerSource]], TracerSource]
        else:
            raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
        globals()[name] = alias
        return alias

__all__ = [
    "DEFAULT_TRACE_OPTIONS",
    "DEFAULT_TRACE_STATE",
    "DefaultSpan",
    "DefaultTracer",
    "DefaultTracerSource",
    "Event",
    "INVALID_SPAN",
    "INVALID_SPAN_CONTEXT",
    "INVALID_SPAN_ID",
    "INVALID_TRACE_ID",
    "Link",
    "ParentSpan",
    "Span",
    "SpanContext",
    "SpanKind",
    "TraceOptions",
    "TraceState",
    "Tracer",
    "TracerSource",
    "format_span_id",
    "format_trace_id",
    "get_tracer",
    "set_preferred_tracer_source_implementation",
    "tracer_source",
]

logger = logging.getLogger(__name__)

_TRACER_SOURCE: Optional[TracerSource] = None
_TRACER_SOURCE_FACTORY: Optional[TracerSourceFactory] = None
_LOAD_ONCE = loader._LoadOnce()


def _loaded_source() -> Optional[TracerSource]:
    return _TRACER_SOURCE


def _load_source() -> TracerSource:
    global _TRACER_SOURCE  # pylint: disable=global-statement
    source = loader.load_implementation(TracerSource, _TRACER_SOURCE_FACTORY, DefaultTracerSource)
    _TRACER_SOURCE = source
    return source


class _TracerSourceWhileLoading(TracerSource):
    """What :func:`tracer_source` returns to the thread that is loading it."""

    def get_tracer(
        self, instrumenting_module_name: str, instrumenting_library_version: str = ""
    ) -> Tracer:
        # The implementation's own module or factory may ask for a tracer (an
        # instrumented module does at import time) before the source exists:
        # a no-op until then, the implementation's tracer after.
        return LazyTracer(_loaded_source, instrumenting_module_name, instrumenting_library_version)


_SOURCE_WHILE_LOADING = _TracerSourceWhileLoading()


def tracer_source() -> TracerSource:
    """The process's tracer source, resolved on first use and kept.

    From here on the choice is made: a later
    :func:`set_preferred_tracer_source_implementation` raises. Asked again
    while it is being resolved, by the implementation's own import or
    factory, it returns a placeholder whose tracers start using the
    implementation as soon as it is there.
    """
    source = _TRACER_SOURCE
    if source is None:
        source = _LOAD_ONCE.get(_loaded_source, _load_source, lambda: _SOURCE_WHILE_LOADING)
    return source


def get_tracer(
    instrumenting_module_name: str, instrumenting_library_version: str = ""
) -> Tracer:
    """A tracer for the named library (usually ``__name__``): the usual way to get one.

    Once the source is resolved this is ``tracer_source().get_tracer(...)``.
    Before, it does not resolve the source: it returns a tracer that fetches
    the real one on its first use, so a library may take its tracer at
    import time, before the application chooses the implementation.
    """
    source = _TRACER_SOURCE
    if source is not None:
        return source.get_tracer(instrumenting_module_name, instrumenting_library_version)
    return LazyTracer(tracer_source, instrumenting_module_name, instrumenting_library_version)


def set_preferred_tracer_source_implementation(factory: TracerSourceFactory) -> None:
    """Choose the factory that builds the tracer source.

    Call it at start-up, before the first span. Tracers libraries took
    earlier with :func:`get_tracer` follow the choice. Once the source is in
    use (a span started, or :func:`tracer_source` called) it cannot change,
    and a late call raises :exc:`RuntimeError` so the mistake shows at once
    instead of spans silently going nowhere. The environment variables win
    over this preference. Something not callable (a source given where its
    factory belongs) is logged and ignored.
    """
    global _TRACER_SOURCE_FACTORY  # pylint: disable=global-statement
    if not callable(factory):
        logger.error(
            "set_preferred_tracer_source_implementation(%r) ignored: it takes a factory, "
            "called with the API type, e.g. lambda api_type: source",
            factory,
        )
        return
    with _LOAD_ONCE.lock:
        if _TRACER_SOURCE is not None or _LOAD_ONCE.loading:
            raise RuntimeError(
                "The TracerSource is already in use; set the preferred "
                "implementation before the first span or tracer_source()"
            )
        _TRACER_SOURCE_FACTORY = factory
