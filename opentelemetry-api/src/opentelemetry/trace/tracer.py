"""Tracers create spans; tracer sources hand out tracers. Both no-op here."""

from __future__ import annotations

import logging

from .span import INVALID_SPAN, DefaultSpan, Link, Span, SpanKind
from .span_context import INVALID_SPAN_CONTEXT, SpanContext

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import types as _pytypes
    from typing import Any, Callable, ContextManager, Optional, Sequence, Type, TypeVar, Union

    _F = TypeVar("_F", bound=Callable[..., Any])

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

logger = logging.getLogger(__name__)


def _traced_function(
    tracer: Tracer,
    name: str,
    kind: SpanKind,
    attributes: types.Attributes,
    links: Sequence[Link],
    func: _F,
) -> _F:
    """``func`` wrapped to run each call in ``tracer.start_as_current_span(name, ...)``.

    What a scope from ``start_as_current_span`` returns when used as a
    decorator. A coroutine function gets an ``async`` wrapper, so the span
    covers the awaited call. Something not callable is logged and returned
    as is.
    """
    if not callable(func):
        logger.warning("start_as_current_span(%r) decorated %r, which is not callable", name, func)
        return func
    # Imported here: decorating is rare, and both are slow to import.
    import functools
    import inspect

    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def traced_coroutine(*args: Any, **kwargs: Any) -> Any:
            with tracer.start_as_current_span(name, kind=kind, attributes=attributes, links=links):
                return await func(*args, **kwargs)

        return traced_coroutine  # type: ignore[return-value]

    @functools.wraps(func)
    def traced(*args: Any, **kwargs: Any) -> Any:
        with tracer.start_as_current_span(name, kind=kind, attributes=attributes, links=links):
            return func(*args, **kwargs)

    return traced  # type: ignore[return-value]


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
        it first, as an ``exception`` event and in the span's status.

        Also a decorator, for functions and ``async`` functions: each call
        runs in a new span with this name, kind, attributes and links, a
        child of the span current at the call::

            @tracer.start_as_current_span("load-order")
            def load_order(order_id): ...
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

    def __call__(self, func: _F) -> _F:
        """As a decorator of the no-op tracer: ``func`` itself, untouched."""
        return func

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
