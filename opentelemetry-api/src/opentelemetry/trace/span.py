"""Spans as the API sees them: the interface, the no-op span, links and events."""

from __future__ import annotations

import enum
import types as _pytypes

from .span_context import INVALID_SPAN_CONTEXT, SpanContext
from .status import Status

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional, Type

    from ..util import types

__all__ = ["DefaultSpan", "Event", "INVALID_SPAN", "Link", "Span", "SpanKind"]

_EMPTY_ATTRIBUTES: Mapping[str, types.AttributeValue] = _pytypes.MappingProxyType({})


class SpanKind(enum.Enum):
    """The relationship of a span to its parent and children."""

    #: An operation inside an application: the default.
    INTERNAL = 0
    #: The server side of a synchronous remote call.
    SERVER = 1
    #: The client side of a synchronous remote call.
    CLIENT = 2
    #: The sender of an asynchronous message.
    PRODUCER = 3
    #: The receiver of an asynchronous message.
    CONSUMER = 4


class Link:
    """A pointer from a span to a span of another (or the same) trace."""

    __slots__ = ("_context", "_attributes")

    def __init__(self, context: SpanContext, attributes: types.Attributes = None) -> None:
        self._context = context
        self._attributes = _EMPTY_ATTRIBUTES if attributes is None else attributes

    @property
    def context(self) -> SpanContext:
        """The linked span's context."""
        return self._context

    @property
    def attributes(self) -> Mapping[str, types.AttributeValue]:
        """Attributes describing the link."""
        return self._attributes

    def __repr__(self) -> str:
        return "Link(context={!r}, attributes={!r})".format(
            self._context, dict(self._attributes)
        )


class Event:
    """Something that happened at one moment during a span."""

    __slots__ = ("_name", "_attributes", "_timestamp")

    def __init__(self, name: str, attributes: types.Attributes, timestamp: int) -> None:
        self._name = name
        self._attributes = _EMPTY_ATTRIBUTES if attributes is None else attributes
        self._timestamp = timestamp

    @property
    def name(self) -> str:
        """What happened."""
        return self._name

    @property
    def attributes(self) -> Mapping[str, types.AttributeValue]:
        """Attributes describing the event."""
        return self._attributes

    @property
    def timestamp(self) -> int:
        """When, in nanoseconds since the epoch."""
        return self._timestamp

    def __repr__(self) -> str:
        return "Event(name={!r}, attributes={!r}, timestamp={})".format(
            self._name, dict(self._attributes), self._timestamp
        )


class Span:
    """An operation within a trace: the interface every span implements.

    This base does nothing; :class:`DefaultSpan` is the API's no-op, and the
    SDK provides the recording span. Used as a context manager a span ends
    when the block exits.
    """

    __slots__ = ()

    def start(self, start_time: Optional[int] = None) -> None:
        """Start the span; tracers do this for you."""

    def end(self, end_time: Optional[int] = None) -> None:
        """End the span, at ``end_time`` (ns since the epoch) or now."""

    def get_context(self) -> SpanContext:
        """The span's propagated identity."""
        return INVALID_SPAN_CONTEXT

    def set_attribute(self, key: str, value: types.AttributeValue) -> None:
        """Set an attribute; a key set again is replaced."""

    def add_event(
        self,
        name: str,
        attributes: types.Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        """Record an event, at ``timestamp`` (ns) or now."""

    def add_lazy_event(self, event: Event) -> None:
        """Record an already built :class:`Event`."""

    def update_name(self, name: str) -> None:
        """Rename the span, e.g. once a route is known."""

    def is_recording_events(self) -> bool:
        """Whether attributes and events given to this span are kept."""
        return False

    def set_status(self, status: Status) -> None:
        """Set the span's outcome; ``OK`` if never set."""

    def record_exception(
        self,
        exception: BaseException,
        attributes: types.Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        """Record a handled exception as an ``exception`` event.

        The event carries ``exception.type``, ``exception.message`` and
        ``exception.stacktrace`` (from the exception's own traceback), and
        ``exception.escaped`` false; ``attributes`` are added and win on a
        shared key. An exception that leaves a span's ``with`` block is
        recorded by the SDK itself, with ``exception.escaped`` true.
        """

    def __enter__(self) -> "Span":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        self.end()


class DefaultSpan(Span):
    """A span that records nothing but carries a context.

    Returned by the no-op tracer, and by the SDK for spans it does not sample,
    so that their context still propagates.
    """

    __slots__ = ("_context",)

    def __init__(self, context: SpanContext) -> None:
        self._context = context

    def get_context(self) -> SpanContext:
        return self._context

    def __repr__(self) -> str:
        return "DefaultSpan(context={!r})".format(self._context)


#: The span of no operation: what the no-op tracer hands out.
INVALID_SPAN = DefaultSpan(INVALID_SPAN_CONTEXT)
