"""The SDK tracer: starts recording spans and tracks the current one."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from opentelemetry import trace as trace_api
from opentelemetry.context import restore
from opentelemetry.trace import sampling
from opentelemetry.trace.tracer import _traced_function

from .._error_handler import report_exception
from .ids import generate_span_id, generate_trace_id, random_bits
from .instrumentation import InstrumentationInfo
from .span import Span

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import contextvars
    import types as _pytypes
    from typing import Any, Callable, ContextManager, Optional, Sequence, Tuple, Type, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

    from opentelemetry.util import types

    from .tracer_source import TracerSource

__all__ = ["Tracer"]

logger = logging.getLogger(__name__)

_CURRENT_SPAN = trace_api.Tracer.CURRENT_SPAN
_SpanKind = trace_api.SpanKind
_INTERNAL = _SpanKind.INTERNAL
_SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
_NOT_SAMPLED = trace_api.TraceOptions.get_default()
_SpanContext = trace_api.SpanContext
_DefaultSpan = trace_api.DefaultSpan
_NOT_SAMPLED_DECISION = sampling.Decision(False)


def _valid_parent_context(parent: object) -> Optional[trace_api.SpanContext]:
    """The context of a parent other than an SDK span, if it identifies a span."""
    if isinstance(parent, trace_api.Span):
        try:
            context = parent.get_context()
        except Exception:  # a third-party span must not break span creation
            logger.exception("get_context() of parent %r failed; starting a new trace", parent)
            return None
    elif isinstance(parent, _SpanContext):
        context = parent
    else:
        logger.warning("Parent %r is not a Span or SpanContext; starting a new trace", parent)
        return None
    if isinstance(context, _SpanContext) and context.is_valid():
        return context
    return None


def _with_sampler_attributes(attributes: Any, sampler_attributes: Any) -> Any:
    """The span's attributes with the sampler's added; the sampler's win on a shared key."""
    if not isinstance(sampler_attributes, Mapping):
        logger.warning("Dropped sampler attributes %r: not a mapping", sampler_attributes)
        return attributes
    if not attributes:
        return sampler_attributes
    if not isinstance(attributes, Mapping):
        logger.warning("Dropped attributes %r: not a mapping", type(attributes).__name__)
        return sampler_attributes
    return {**attributes, **sampler_attributes}


class Tracer(trace_api.Tracer):
    """Starts spans for one instrumenting library, from its tracer source."""

    def __init__(self, source: "TracerSource", instrumentation_info: InstrumentationInfo) -> None:
        self.source = source
        self.instrumentation_info = instrumentation_info
        self._current_span_var = source._current_span_var

    def get_current_span(self) -> Optional[trace_api.Span]:
        """The current span, or ``None`` when none is active."""
        return self.source.get_current_span()

    def start_span(
        self,
        name: str,
        parent: trace_api.ParentSpan = _CURRENT_SPAN,
        kind: trace_api.SpanKind = _INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[trace_api.Link] = (),
        start_time: Optional[int] = None,
        set_status_on_exception: bool = True,
    ) -> trace_api.Span:
        """Start a span; a span the sampler drops is a non-recording ``DefaultSpan``.

        ``parent`` is the current span by default, or a span, a remote
        span's context, or ``None`` for a new trace. A parent that does not
        identify a span also starts a new trace.
        """
        source = self.source
        if type(name) is not str:
            logger.warning("Span name %r is not a str; using its str()", name)
            name = str(name)
        if type(kind) is not _SpanKind:
            logger.warning("Span kind %r is not a SpanKind; using INTERNAL", kind)
            kind = _INTERNAL
        if parent is _CURRENT_SPAN:
            parent = self._current_span_var.get()
        if parent is None:
            parent_context = None
        elif type(parent) is Span:
            parent_context = parent.context  # the common case, checked inline
            if not (parent_context.trace_id and parent_context.span_id):
                parent = parent_context = None
        else:
            parent_context = _valid_parent_context(parent)
            if parent_context is None:
                parent = None
        # Ids inline: zero, the invalid id, is a 2**-64 chance handled by the call.
        span_id = random_bits(64) or generate_span_id()
        if parent_context is None:
            trace_id = random_bits(128) or generate_trace_id()
            trace_state = None
        else:
            trace_id = parent_context.trace_id
            trace_state = parent_context.trace_state
        try:
            decision = source.sampler.should_sample(
                parent_context, trace_id, span_id, name, attributes, links
            )
        except Exception:  # a broken sampler must not break the application
            report_exception(logger, "%r failed; the span is not sampled", source.sampler)
            decision = _NOT_SAMPLED_DECISION
        if not decision.sampled:
            return _DefaultSpan(_SpanContext(trace_id, span_id, _NOT_SAMPLED, trace_state))
        if decision.attributes:
            attributes = _with_sampler_attributes(attributes, decision.attributes)
        span = Span(
            name,
            _SpanContext(trace_id, span_id, _SAMPLED, trace_state),
            parent,
            None,
            None,
            source.resource,
            attributes,
            None,
            links,
            kind,
            source._active_span_processor,
            self.instrumentation_info,
            set_status_on_exception,
            source.span_limits,
        )
        span.start(start_time)
        return span

    def start_as_current_span(
        self,
        name: str,
        parent: trace_api.ParentSpan = _CURRENT_SPAN,
        kind: trace_api.SpanKind = _INTERNAL,
        attributes: types.Attributes = None,
        links: Sequence[trace_api.Link] = (),
    ) -> ContextManager[trace_api.Span]:
        span = self.start_span(name, parent, kind, attributes, links)
        if type(span) is Span:
            # The span is its own scope: armed here with this tracer, it
            # becomes current on __enter__ (or decorates, on __call__), which
            # saves creating a scope object per span.
            span._scope = self
            return span
        scope = _CurrentSpanScope(span, self._current_span_var, True)
        scope._decorator = (self, name, kind, attributes, links)
        return scope

    def use_span(
        self, span: trace_api.Span, end_on_exit: bool = False
    ) -> ContextManager[trace_api.Span]:
        if not isinstance(span, trace_api.Span):
            logger.warning("use_span() got %r, not a Span; nothing made current", span)
            return _CurrentSpanScope(trace_api.INVALID_SPAN, None, False)
        return _CurrentSpanScope(span, self._current_span_var, end_on_exit)


class _CurrentSpanScope:
    """Makes a span current for a ``with`` block and restores the previous one.

    A small class rather than ``contextlib.contextmanager``: it runs on every
    span, and a generator-based manager costs several times as much.
    """

    __slots__ = ("_span", "_var", "_token", "_end_on_exit", "_decorator")

    def __init__(
        self,
        span: trace_api.Span,
        var: "Optional[contextvars.ContextVar[Optional[trace_api.Span]]]",
        end_on_exit: bool,
    ) -> None:
        self._span = span
        self._var = var
        self._end_on_exit = end_on_exit
        # start_as_current_span's tracer and arguments, for use as a decorator.
        self._decorator: Optional[Tuple[Any, ...]] = None

    def __call__(self, func: _F) -> _F:
        """As a decorator: ``func`` traced on each call (see ``Span.__call__``)."""
        if self._decorator is None:
            logger.warning("use_span() cannot decorate %r; left untraced", func)
            return func
        tracer, name, kind, attributes, links = self._decorator
        return _traced_function(tracer, name, kind, attributes, links, func)

    def __enter__(self) -> trace_api.Span:
        if self._var is not None:
            self._token = self._var.set(self._span)
        return self._span

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        if self._var is not None:
            restore(self._token)
        if self._end_on_exit:
            if exc_val is None:
                self._span.end()  # what Span.__exit__ does without an exception, one call less
            else:
                self._span.__exit__(exc_type, exc_val, exc_tb)
