"""The recording span: what a sampled operation collects until it ends."""

from __future__ import annotations

import contextvars
import logging
import types as _pytypes
from collections.abc import Mapping

from opentelemetry import trace as trace_api
from opentelemetry.context import restore
from opentelemetry.trace.status import Status, StatusCanonicalCode
from opentelemetry.trace.tracer import _traced_function
from opentelemetry.util import ns_to_iso_str, time_ns

from opentelemetry.util._error_handler import report_exception
from ..resources import Resource
from ._span_contexts import checked_span_context
from .attributes import (
    SCALAR_TYPES,
    clean_attribute_key,
    clean_attribute_value,
    clean_attributes,
    is_instance,
    text_or_placeholder,
)
from ._bounded import (
    DropCounts,
    append_evicting,
    count_drops,
    keep_newest,
    set_evicting,
    truncate_attribute_value,
)
from .instrumentation import InstrumentationInfo
from ..util import BoundedDict, BoundedList
from .limits import MAX_NUM_ATTRIBUTES, MAX_NUM_EVENTS, MAX_NUM_LINKS, SpanLimits
from .span_processor import MultiSpanProcessor, SpanProcessor

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (
        Any,
        Callable,
        Deque,
        Dict,
        List,
        Optional,
        Sequence,
        Tuple,
        Type,
        TypeVar,
        Union,
    )

    from opentelemetry.trace.sampling import Sampler
    from opentelemetry.util import types

    from .tracer import Tracer

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["Span"]

logger = logging.getLogger(__name__)

_EMPTY_ATTRIBUTES: Mapping[str, types.AttributeValue] = _pytypes.MappingProxyType({})
#: What an ended span's status is when none was set: it reads as OK, as in
#: v0.3, and exporters that know UNSET (OTLP) tell it apart by identity.
UNSET_STATUS = Status(StatusCanonicalCode.OK)
_DEFAULT_LIMITS = SpanLimits()
# Explicit times must fit int64 nanoseconds since the epoch, as exporters
# and backends store them; None (the usual case) skips the range check.
_MAX_TIME_NS = 2**63 - 1
_Token = contextvars.Token
_MAPPINGS = frozenset((dict, _pytypes.MappingProxyType))
_NO_LINKS = ()
# Span(parent_context=...) not given: read it from the parent.
_FROM_PARENT: Any = object()


def _context_of(parent: Any) -> Optional[trace_api.SpanContext]:
    """The context of a span's ``parent`` (a span or a span context), or ``None``."""
    if parent is None:
        return None
    if isinstance(parent, trace_api.SpanContext):
        return parent
    try:
        context = parent.get_context()
    except Exception:  # a third-party span must not break span creation
        logger.warning("get_context() of parent %r failed; no parent context kept", parent)
        return None
    return context if isinstance(context, trace_api.SpanContext) else None


def _is_empty_mapping(value: Any) -> bool:
    """Whether ``value`` is ``None`` or an empty built-in mapping; no foreign ``bool()``."""
    return value is None or (type(value) in _MAPPINGS and not value)


class _Reentry:
    """A span's ``with`` entered again inside its own block; holds the outer token.

    The inner block leaves the context alone: the span is current already,
    and the outer block's token restores what was current before it.
    """

    __slots__ = ("outer",)

    def __init__(self, outer: Any) -> None:
        self.outer = outer


def _exception_type(exception: BaseException) -> str:
    """The exception's class, qualified by its module unless it is a builtin."""
    cls = type(exception)
    module: object = getattr(cls, "__module__", None)
    if not isinstance(module, str) or not module or module == "builtins":
        return cls.__qualname__
    return module + "." + cls.__qualname__


def _exception_message(exception: BaseException) -> str:
    try:
        return str(exception)
    except Exception:  # a broken __str__ must not hide the original error
        return "<unprintable {}>".format(type(exception).__name__)


def _stacktrace(exception: BaseException) -> str:
    """The exception's own traceback, as Python prints it (the chain included)."""
    import traceback  # here: only a span that records an exception needs it

    try:
        return "".join(
            traceback.format_exception(type(exception), exception, exception.__traceback__)
        )
    except Exception:  # a broken __str__ or traceback must not hide the original error
        return _exception_type(exception) + ": " + _exception_message(exception)


def _describe(exception: BaseException) -> str:
    """``"<ExceptionType>: <message>"`` for a span's status."""
    try:
        return "{}: {}".format(type(exception).__name__, exception)
    except Exception:  # a broken __str__ must not hide the original error
        return type(exception).__name__


class Span(trace_api.Span):
    """A span that records its name, times, attributes, events and links.

    Tracers create spans already started. When the span ends it is handed
    to the span processor once; after that it is read-only and every change
    is ignored with a warning. Used as a context manager, an exception that
    leaves the block sets the status to ``UNKNOWN`` (unless
    ``set_status_on_exception`` is false) and still ends the span. A span
    from ``start_as_current_span`` is also current inside the block.

    The parameters are v0.3's, in its order; ``sampler`` and
    ``trace_config`` are kept for code that reads them back and otherwise
    unused (the tracer samples before the span exists). ``span_processor``
    is the chain the span reports to: a tracer passes its source's
    :class:`~opentelemetry.sdk.trace.MultiSpanProcessor`, looked at when the
    span starts and ends, so a processor added meanwhile sees the span end.

    ``parent`` is kept as given (v0.3 code reads it back); the context of
    that parent is worked out once, when the span is made, and kept in
    :attr:`parent_context`, which propagators and exporters read.
    """

    __slots__ = (
        "name",
        "context",
        "parent",
        "parent_context",
        "kind",
        "start_time",
        "end_time",
        "resource",
        "instrumentation_info",
        "_limits",
        "_span_processor",
        "_options",
        "_attributes",
        "_events",
        "_links",
        "_status",
        "_dropped",
        "_end_guard",
        "_scope",
    )

    #: v0.3's shared empty containers, for code that compares with them or
    #: reads their ``maxlen``; spans here keep their own leaner storage.
    empty_attributes = BoundedDict(MAX_NUM_ATTRIBUTES)
    empty_events = BoundedList(MAX_NUM_EVENTS)
    empty_links = BoundedList(MAX_NUM_LINKS)

    def __init__(
        self,
        name: str,
        context: trace_api.SpanContext,
        parent: trace_api.ParentSpan = None,
        sampler: Optional[Sampler] = None,
        trace_config: None = None,
        resource: Optional[Resource] = None,
        attributes: types.Attributes = None,
        events: Optional[Sequence[trace_api.Event]] = None,
        links: Sequence[trace_api.Link] = (),
        kind: trace_api.SpanKind = trace_api.SpanKind.INTERNAL,
        span_processor: Optional[SpanProcessor] = None,
        instrumentation_info: Optional[InstrumentationInfo] = None,
        set_status_on_exception: bool = True,
        limits: Optional[SpanLimits] = None,
        parent_context: Any = _FROM_PARENT,
    ) -> None:
        self.name = name
        self.context = context
        self.parent = parent
        #: The parent's context (``None`` for a root span): the tracer passes
        #: the one it checked; a span made directly reads it from ``parent``.
        self.parent_context: Optional[trace_api.SpanContext] = (
            _context_of(parent) if parent_context is _FROM_PARENT else parent_context
        )
        self.kind = kind
        self.start_time: Optional[int] = None
        self.end_time: Optional[int] = None
        self.resource = Resource.create_empty() if resource is None else resource
        self.instrumentation_info = instrumentation_info
        self._limits = _DEFAULT_LIMITS if limits is None else limits
        if type(span_processor) is not MultiSpanProcessor:
            # Made directly rather than by a tracer: a chain of its own.
            span_processor = _chain_of(span_processor)
        self._span_processor: MultiSpanProcessor = span_processor
        # What only a span made directly may set; None (the defaults) keeps
        # tracer-made spans one slot smaller than three would.
        self._options: Optional[Tuple[Optional[Sampler], None, bool]] = None
        if sampler is not None or trace_config is not None or set_status_on_exception is not True:
            self._options = (sampler, trace_config, bool(set_status_on_exception))
        self._status: Optional[Status] = None
        self._end_guard: Optional[List[bool]] = None
        # Set by Tracer.start_as_current_span: the tracer, whose context
        # variable this span becomes current in on __enter__ (or which a
        # decorator starts spans with), then the token that undoes it. Or,
        # entered again inside its own block, a _Reentry holding the token.
        self._scope: "Union[None, Tracer, contextvars.Token[Any], _Reentry]" = None
        # What the limits dropped: None until the first drop (see _bounded).
        self._dropped: Optional[DropCounts] = None
        # Empty collections stay None until first used: most spans have no
        # events or links, and each empty container costs memory per span.
        self._events: Optional[Deque[trace_api.Event]] = None
        # No truth test on what the caller passed: an object's bool() may
        # raise. clean_attributes and _clean_links never do.
        if attributes is None or (type(attributes) is dict and not attributes):
            self._attributes: Optional[Dict[str, types.AttributeValue]] = None
        else:
            self._attributes, dropped = clean_attributes(
                attributes, self._limits.max_attributes, self._limits.max_attribute_length
            )
            if dropped:
                self._dropped = count_drops(self._dropped, "attributes", dropped)
        self._links: Optional[Tuple[trace_api.Link, ...]] = None
        # () is one object in CPython: the default costs one identity test.
        if links is not _NO_LINKS and not (type(links) in (list, tuple) and not links):
            self._links, dropped = self._clean_links(links)
            if dropped:
                self._dropped = count_drops(self._dropped, "links", dropped)
        if events is not None:
            self._add_events(events)

    def _add_events(self, events: Any) -> None:
        try:
            for event in events:
                self.add_lazy_event(event)
        except Exception:  # an iterable that raises keeps the events read before
            logger.warning("Reading events of type %s failed", type(events).__name__)

    def _clean_links(
        self, links: Sequence[trace_api.Link]
    ) -> "tuple[Tuple[trace_api.Link, ...], int]":
        """The valid links, the last ``max_links`` of them, and how many the limit dropped."""
        kept = []
        try:
            for link in links if type(links) in (list, tuple) else list(links):
                checked = self._checked_link(link)
                if checked is not None:
                    kept.append(checked)
        except Exception:  # not iterable, or its iteration raises
            logger.warning(
                "Dropped links of type %s: not a sequence of Link", type(links).__name__
            )
        kept, dropped = keep_newest(kept, self._limits.max_links)
        return tuple(kept), dropped

    def _checked_link(self, link: Any) -> Optional[trace_api.Link]:
        """``link`` with a sound context and clean attributes, or ``None`` (logged)."""
        try:
            if isinstance(link, trace_api.Link) and isinstance(
                link.context, trace_api.SpanContext
            ):
                context = checked_span_context(link.context, "link")
                if context is None:
                    return None
                attributes = link.attributes
                if context is link.context and _is_empty_mapping(attributes):
                    return link
                if not _is_empty_mapping(attributes):
                    attributes, _ = clean_attributes(
                        attributes, self._limits.max_attributes, self._limits.max_attribute_length
                    )
                return trace_api.Link(context, attributes or None)
        except Exception:  # a proxy or broken object posing as a link
            pass
        logger.warning("Dropped link of type %s: not a Link to a SpanContext", type(link).__name__)
        return None

    # -- reading --------------------------------------------------------

    def get_context(self) -> trace_api.SpanContext:
        return self.context

    def is_recording_events(self) -> bool:
        return True

    @property
    def attributes(self) -> Mapping[str, types.AttributeValue]:
        """The span's attributes, read-only, oldest first."""
        attributes = self._attributes
        if attributes is None:
            return _EMPTY_ATTRIBUTES
        return _pytypes.MappingProxyType(attributes)

    @property
    def events(self) -> Tuple[trace_api.Event, ...]:
        """The span's events, oldest first."""
        return () if self._events is None else tuple(self._events)

    @property
    def links(self) -> Tuple[trace_api.Link, ...]:
        """The span's links."""
        return () if self._links is None else self._links

    @property
    def status(self) -> Optional[Status]:
        """``None`` until the span ends; then ``OK`` unless set otherwise."""
        return self._status

    @property
    def span_processor(self) -> SpanProcessor:
        """The processor chain the span reports its start and end to."""
        return self._span_processor

    @property
    def sampler(self) -> Optional[Sampler]:
        """The ``sampler`` given to the constructor, if any (v0.3 kept it; unused)."""
        return None if self._options is None else self._options[0]

    @property
    def trace_config(self) -> None:
        """The ``trace_config`` given to the constructor (v0.3 kept it; unused)."""
        return None

    @property
    def dropped_attributes(self) -> int:
        """How many attributes the limit evicted."""
        return 0 if self._dropped is None else self._dropped.attributes

    @property
    def dropped_events(self) -> int:
        """How many events the limit evicted."""
        return 0 if self._dropped is None else self._dropped.events

    @property
    def dropped_links(self) -> int:
        """How many links the limit dropped."""
        return 0 if self._dropped is None else self._dropped.links

    # -- recording ------------------------------------------------------

    def _ignore_after_end(self, change: str) -> None:
        logger.warning("Ignored %s on span %r: it has already ended", change, self.name)

    def set_attribute(self, key: str, value: types.AttributeValue) -> None:
        if type(value) not in SCALAR_TYPES:
            value = clean_attribute_value(value)  # type: ignore[assignment]
            if value is None:
                return
        if type(key) is not str or not key:
            checked_key = clean_attribute_key(key)
            if checked_key is None:
                return
            key = checked_key
        if self.end_time is not None:
            self._ignore_after_end("set_attribute")
            return
        max_length = self._limits.max_attribute_length
        if max_length is not None:
            value = truncate_attribute_value(value, max_length)
        attributes = self._attributes
        if attributes is None:
            if self._limits.max_attributes > 0:
                self._attributes = {key: value}
                return
            attributes = self._attributes = {}
        if set_evicting(attributes, key, value, self._limits.max_attributes):
            self._dropped = count_drops(self._dropped, "attributes", 1)

    def add_event(
        self,
        name: str,
        attributes: types.Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        if self.end_time is not None:
            self._ignore_after_end("add_event")
            return
        if type(name) is not str:
            name = text_or_placeholder(name, "Event name")
        if type(timestamp) is not int or not 0 <= timestamp <= _MAX_TIME_NS:
            if timestamp is not None:
                logger.warning(
                    "Ignored event timestamp %r: not an int of ns from 0 to 2**63 - 1", timestamp
                )
            timestamp = time_ns()
        if _is_empty_mapping(attributes):
            attributes = None
        else:
            attributes, _ = clean_attributes(
                attributes, self._limits.max_attributes, self._limits.max_attribute_length
            )
        self._append_event(trace_api.Event(name, attributes, timestamp))

    def add_lazy_event(self, event: trace_api.Event) -> None:
        if not is_instance(event, trace_api.Event):
            logger.warning("Dropped event of type %s: not an Event", type(event).__name__)
            return
        attributes = event.attributes
        timestamp = event.timestamp
        if (
            not _is_empty_mapping(attributes)
            or type(event.name) is not str
            or type(timestamp) is not int
            or not 0 <= timestamp <= _MAX_TIME_NS
        ):
            # Checked and copied like any other event: the caller built it.
            self.add_event(event.name, attributes, timestamp)
            return
        if self.end_time is not None:
            self._ignore_after_end("add_event")
            return
        self._append_event(event)

    def _append_event(self, event: trace_api.Event) -> None:
        """Keep ``event``, evicting the oldest past the limit."""
        self._events, dropped = append_evicting(self._events, event, self._limits.max_events)
        if dropped:
            self._dropped = count_drops(self._dropped, "events", 1)

    def update_name(self, name: str) -> None:
        if type(name) is not str:
            name = text_or_placeholder(name, "Span name")
        if self.end_time is not None:
            self._ignore_after_end("update_name")
            return
        self.name = name

    def record_exception(
        self,
        exception: BaseException,
        attributes: types.Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        if not isinstance(exception, BaseException):
            logger.warning("Ignored record_exception(%r): not an exception", exception)
            return
        self._add_exception_event(exception, False, attributes, timestamp)

    def _add_exception_event(
        self,
        exception: BaseException,
        escaped: bool,
        attributes: types.Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        """The ``exception`` event of the semantic conventions, for ``exception``."""
        if self.end_time is not None:
            self._ignore_after_end("record_exception")
            return
        event_attributes: Dict[str, types.AttributeValue] = {
            "exception.type": _exception_type(exception),
            "exception.message": _exception_message(exception),
            "exception.stacktrace": _stacktrace(exception),
            "exception.escaped": escaped,
        }
        if attributes:
            if isinstance(attributes, Mapping):
                event_attributes.update(attributes)
            else:
                logger.warning("Dropped exception event attributes %r: not a mapping", attributes)
        self.add_event("exception", event_attributes, timestamp)

    def set_status(self, status: Status) -> None:
        if not is_instance(status, Status):
            logger.warning("Ignored status of type %s: not a Status", type(status).__name__)
            return
        if self.end_time is not None:
            self._ignore_after_end("set_status")
            return
        self._status = status

    # -- lifecycle ------------------------------------------------------

    def start(self, start_time: Optional[int] = None) -> None:
        if self.start_time is not None:
            logger.warning("Ignored start() on span %r: it has already started", self.name)
            return
        if start_time is None:
            start_time = time_ns()
        elif type(start_time) is not int or not 0 <= start_time <= _MAX_TIME_NS:
            logger.warning("Ignored start time %r: not an int of ns from 0 to 2**63 - 1", start_time)
            start_time = time_ns()
        self.start_time = start_time
        # One element that exactly one end() can pop (atomic under the GIL):
        # a cheaper once-only guard than taking a lock on every end.
        self._end_guard = [True]
        processor = self._span_processor._start_target
        if processor is not None:
            try:
                processor.on_start(self)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # isolate the application from a broken processor
                report_exception(logger, "%r failed in on_start", processor)

    def end(self, end_time: Optional[int] = None) -> None:
        if end_time is None:
            end_time = time_ns()
        elif type(end_time) is not int or not 0 <= end_time <= _MAX_TIME_NS:
            logger.warning("Ignored end time %r: not an int of ns from 0 to 2**63 - 1", end_time)
            end_time = time_ns()
        try:
            self._end_guard.pop()  # type: ignore[union-attr]
        except AttributeError:  # no guard: never started, or ended already
            if self.start_time is None:
                raise RuntimeError("Calling end() on a span that was never started") from None
            logger.warning("Ignored end() on span %r: it has already ended", self.name)
            return
        except IndexError:  # another thread won the pop
            logger.warning("Ignored end() on span %r: it has already ended", self.name)
            return
        self._end_guard = None
        start_time: int = self.start_time  # type: ignore[assignment]
        if end_time < start_time:
            # A clock stepped back, or a caller's timestamp is wrong: a span
            # must not end before it starts.
            end_time = start_time
        self.end_time = end_time
        if self._status is None:
            self._status = UNSET_STATUS
        processor = self._span_processor._end_target
        if processor is not None:
            try:
                processor.on_end(self)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # isolate the application from a broken processor
                report_exception(logger, "%r failed in on_end", processor)

    def __enter__(self) -> "Span":
        tracer = self._scope
        if tracer is not None:
            try:
                self._scope = tracer._current_span_var.set(self)  # type: ignore[union-attr]
            except AttributeError:  # a token: entered again inside its own block
                self._scope = _Reentry(tracer)
        return self

    def __call__(self, func: _F) -> _F:
        """``start_as_current_span(...)`` used as a decorator: ``func`` traced on each call.

        Each call runs in a new span with this span's name, kind,
        attributes and links, a child of the span current at the call. This
        span, started when the decorator was applied, is dropped unended: no
        exporter sees it (a processor saw its start). Only a span from
        ``start_as_current_span`` not yet entered decorates; anything else
        is logged and ``func`` returned untouched.
        """
        from .tracer import Tracer  # here: the tracer module imports this one

        tracer = self._scope
        if not isinstance(tracer, Tracer):
            logger.warning(
                "Span %r cannot decorate %r: only start_as_current_span(...) decorates", self.name, func
            )
            return func
        self._scope = None
        attributes = dict(self._attributes) if self._attributes else None
        return _traced_function(tracer, self.name, self.kind, attributes, self.links, func)

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        token = self._scope
        if token is not None:
            if type(token) is _Token:
                self._scope = None
                restore(token)
            else:
                # Inner block of a re-entered span: the outer one restores.
                # Or never entered (use_span ends it): nothing to restore.
                self._scope = token.outer if type(token) is _Reentry else None
        if exc_val is None:
            self.end()
        else:
            self._end_after_exception(exc_val)

    def _end_after_exception(self, exc_val: BaseException) -> None:
        """End the span, recording the exception that left its block."""
        if self.end_time is None:
            # The event is recorded whatever set_status_on_exception says:
            # that flag is about the status, and the exception still escaped.
            self._add_exception_event(exc_val, True)
            if self._status is None and (self._options is None or self._options[2]):
                self._status = Status(StatusCanonicalCode.UNKNOWN, _describe(exc_val))
        self.end()

    # -- text -----------------------------------------------------------

    def __repr__(self) -> str:
        return '{}(name="{}", context={})'.format(type(self).__name__, self.name, self.context)

    def __str__(self) -> str:
        return (
            '{}(name="{}", context={}, kind={}, parent={!r}, start_time={}, end_time={})'
        ).format(
            type(self).__name__,
            self.name,
            self.context,
            self.kind,
            self.parent,
            None if self.start_time is None else ns_to_iso_str(self.start_time),
            None if self.end_time is None else ns_to_iso_str(self.end_time),
        )


def _chain_of(span_processor: Optional[SpanProcessor]) -> MultiSpanProcessor:
    """A chain holding only ``span_processor`` (if any), for a span made directly."""
    chain = MultiSpanProcessor()
    if span_processor is not None:
        chain.add_span_processor(span_processor)
    return chain
