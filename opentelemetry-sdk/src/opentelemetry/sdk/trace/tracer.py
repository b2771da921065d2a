"""The SDK tracer: starts recording spans and tracks the current one."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from opentelemetry import trace as trace_api
from opentelemetry.context import restore
from opentelemetry.trace import sampling
from opentelemetry.trace.tracer import _traced_function

from opentelemetry.util._error_handler import report_exception, report_failure
from ._span_contexts import checked_span_context
from . import _suppression
from .ids import generate_span_id, generate_trace_id, random_bits
from .instrumentation import InstrumentationInfo
from .attributes import clean_attributes, is_instance, text_or_placeholder
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
_Decision = sampling.Decision
_NOT_SAMPLED_DECISION = _Decision(False)
# What a Decision made without attributes holds: tested by identity, no bool().
_NO_SAMPLER_ATTRIBUTES = _NOT_SAMPLED_DECISION.attributes
_NO_LIMIT = 2**31
_SAMPLED_DECISION = _Decision(True)
_INVALID_SPAN = trace_api.INVALID_SPAN


def _checked_decision(decision: Any, sampler: Any) -> sampling.Decision:
    """A sampler's answer that is not a ``Decision``: a bool is taken as one, else not sampled."""
    if isinstance(decision, _Decision):
        return decision
    if type(decision) is bool:
        report_failure(logger, "%r returned a bool, not a Decision; using it", sampler)
        return _SAMPLED_DECISION if decision else _NOT_SAMPLED_DECISION
    report_failure(
        logger,
        "%r returned a %s, not a Decision; the span is not sampled",
        sampler,
        type(decision).__name__,
    )
    return _NOT_SAMPLED_DECISION


def _valid_parent_context(parent: Any) -> Optional[trace_api.SpanContext]:
    """The context of a parent other than an SDK span, if it identifies a span."""
    if is_instance(parent, trace_api.Span):
        try:
            context = parent.get_context()
        except Exception:  # a third-party span must not break span creation
            report_exception(
                logger, "get_context() of parent %r failed; starting a new trace", parent
            )
            return None
    elif is_instance(parent, _SpanContext):
        context = parent
    else:
        logger.warning(
            "Parent of type %s is not a Span or SpanContext; starting a new trace",
            type(parent).__name__,
        )
        return None
    if not isinstance(context, _SpanContext):
        return None
    checked = checked_span_context(context, "parent")
    if checked is not None and checked.is_valid():
        return checked
    return None


def _with_sampler_attributes(attributes: Any, sampler_attributes: Any) -> Any:
    """The span's attributes with the sampler's added; the sampler's win on a shared key.

    Both are cleaned first: either may be any object, whose reading raises.
    """
    if not is_instance(sampler_attributes, Mapping):
        logger.warning(
            "Dropped sampler attributes of type %s: not a mapping",
            type(sampler_attributes).__name__,
        )
        return attributes
    added, _ = clean_attributes(sampler_attributes, _NO_LIMIT)
    if not added:
        return attributes
    if attributes is None:
        return added
    cleaned, _ = clean_attributes(attributes, _NO_LIMIT)
    cleaned.update(added)
    return cleaned


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
        identify a span also starts a new trace. While
        ``Context.suppress_instrumentation`` is set (as it is inside an
        export) nothing is recorded: the span is ``INVALID_SPAN``.
        """
        suppression = _suppression.var_if_registered
        if suppression is not None and suppression.get():
            return _INVALID_SPAN
        source = self.source
        if type(name) is not str:
            name = text_or_placeholder(name, "Span name")
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
            elif isinstance(parent, _SpanContext):
                parent = parent_context  # the checked, perhaps repaired, context
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
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a broken sampler must not break the application
            report_exception(logger, "%r failed; the span is not sampled", source.sampler)
            decision = _NOT_SAMPLED_DECISION
        if type(decision) is not _Decision:
            decision = _checked_decision(decision, source.sampler)
        if not decision.sampled:
            return _DefaultSpan(_SpanContext(trace_id, span_id, _NOT_SAMPLED, trace_state))
        sampler_attributes = decision.attributes
        if sampler_attributes is not _NO_SAMPLER_ATTRIBUTES and sampler_attributes is not None:
            attributes = _with_sampler_attributes(attributes, sampler_attributes)
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
            parent_context,
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
        if not is_instance(span, trace_api.Span):
            logger.warning(
                "use_span() got a %s, not a Span; nothing made current", type(span).__name__
            )
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
            span = self._span
            try:
                if exc_val is None:
                    span.end()  # what Span.__exit__ does without an exception, one call less
                elif type(span) is Span:
                    # Not span.__exit__: that would undo the with block the
                    # span itself may be current in.
                    span._end_after_exception(exc_val)
                else:
                    span.__exit__(exc_type, exc_val, exc_tb)
            except Exception:  # the application's own exception must propagate unchanged
                report_exception(
                    logger, "Ending %s on leaving use_span() failed", type(span).__name__
                )
