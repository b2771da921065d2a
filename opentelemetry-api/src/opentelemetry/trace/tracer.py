"""Tracers create spans; tracer sources hand out tracers. Both no-op here."""

from __future__ import annotations

from .span import INVALID_SPAN, DefaultSpan, Link, Span, SpanKind
from .span_context import INVALID_SPAN_CONTEXT, SpanContext

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import types as _pytypes
    from typing import ContextManager, Optional, Sequence, Type, Union

    from ..util import types

    #: What may be given as a span's parent: a local span, a remote span's
    #: context, or ``None`` for a new trace.
    ParentSpan = Optional[Union[Span, SpanContext]]
else:

    def __getattr__(name: str) -> object:
        # The public alias ParentSpan needs typing, which is slow to import:
        # it is built on first use and kept.
        if name != "ParentSpan":
            raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
        from typing import Optional, Union

        alias = globals()[name] = Optional[Union[Span, SpanContext]]
        return alias

__all__ = ["DefaultTracer", "DefaultTracerSource", "ParentSpan", "Tracer", "TracerSource"]


class Tracer:
    """Creates spans and tracks which one is current.

    This base is the no-op tracer: every span it hands out is
    :data:`~opentelemetry.trace.INVALID_SPAN`.
    """

    #: The default ``parent``: the span current when the span starts.
    CURRENT_SPAN = DefaultSpan(INVALID_SPAN_CONTEXT)

    def get_current_span(self) -> Optional[Span]:
        """The span current in this thread or task."""
        return INVALID_SPAN

    def start_span(
        self,
        name: str,
        parent: ParentSpan = CURRENT_SPAN,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
        start_time: Optional[int] = None,
        set_status_on_exception: bool = True,
    ) -> Span:
        """Start a span without making it current; the caller ends it.

        With ``set_status_on_exception`` false, an exception leaving the
        span's ``with`` block leaves its status alone (the code sets it).
        """
        return INVALID_SPAN

    def start_as_current_span(
        self,
        name: str,
        parent: ParentSpan = CURRENT_SPAN,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> ContextManager[Span]:
        """Start a span, current for the ``with`` block and ended after it.

        An exception leaving the block propagates unchanged; the SDK records
        it in the span's status first.
        """
        return _NOOP_SCOPE

    def use_span(self, span: Span, end_on_exit: bool = False) -> ContextManager[Span]:
        """Make ``span`` current for a ``with`` block, ending it after if asked."""
        return _SpanScope(span, end_on_exit)


class DefaultTracer(Tracer):
    """The API's no-op tracer."""


class _NoopScope:
    """The ``with`` block of a no-op span: stateless, so one serves all."""

    __slots__ = ()

    def __enter__(self) -> Span:
        return INVALID_SPAN

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        return None


_NOOP_SCOPE = _NoopScope()


class _SpanScope:
    """Yields a span to a ``with`` block, ending it after if asked."""

    __slots__ = ("_span", "_end_on_exit")

    def __init__(self, span: Span, end_on_exit: bool) -> None:
        self._span = span
        self._end_on_exit = end_on_exit

    def __enter__(self) -> Span:
        return self._span

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        if self._end_on_exit and isinstance(self._span, Span):
            self._span.__exit__(exc_type, exc_val, exc_tb)


class TracerSource:
    """Hands out tracers, one per instrumenting library.

    This base is the no-op source the API uses when no implementation is
    configured.
    """

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str = "",
    ) -> Tracer:
        """A tracer for the named library (usually ``__name__``)."""
        return _DEFAULT_TRACER


class DefaultTracerSource(TracerSource):
    """The API's no-op tracer source."""


_DEFAULT_TRACER = DefaultTracer()
