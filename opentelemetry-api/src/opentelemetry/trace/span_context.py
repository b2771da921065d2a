"""The identity of a span that crosses process boundaries."""

from __future__ import annotations

from .trace_state import DEFAULT_TRACE_STATE, TraceState

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = [
    "DEFAULT_TRACE_OPTIONS",
    "DEFAULT_TRACE_STATE",
    "INVALID_SPAN_CONTEXT",
    "INVALID_SPAN_ID",
    "INVALID_TRACE_ID",
    "SpanContext",
    "TraceOptions",
    "format_span_id",
    "format_trace_id",
]

INVALID_TRACE_ID = 0x00000000000000000000000000000000
INVALID_SPAN_ID = 0x0000000000000000


def format_trace_id(trace_id: int) -> str:
    """A trace id as ``0x`` and 32 lower-case hex digits."""
    return "0x{:032x}".format(trace_id)


def format_span_id(span_id: int) -> str:
    """A span id as ``0x`` and 16 lower-case hex digits."""
    return "0x{:016x}".format(span_id)


class TraceOptions(int):
    """The W3C trace flags: a byte whose lowest bit says the trace is sampled."""

    DEFAULT = 0x00
    SAMPLED = 0x01

    @classmethod
    def get_default(cls) -> "TraceOptions":
        """The flags with nothing set (not sampled)."""
        return _DEFAULT_OPTIONS

    @property
    def sampled(self) -> bool:
        """Whether the sampled bit is set."""
        return bool(self & TraceOptions.SAMPLED)


_DEFAULT_OPTIONS = TraceOptions(TraceOptions.DEFAULT)
_EMPTY_TRACE_STATE = DEFAULT_TRACE_STATE
#: The trace flags span contexts start with: not sampled.
DEFAULT_TRACE_OPTIONS = _DEFAULT_OPTIONS


class SpanContext:
    """The part of a span that is propagated: trace id, span id, flags, state.

    Ids are integers; ``0`` is invalid for either. Instances are values:
    compare them with ``==``.

    ``is_remote`` says the context came from another process: propagators
    set it on what they extract, so a sampler can treat remote and local
    parents differently (see the SDK's ``ParentBasedSampler``). It defaults
    to ``False``, so v0.3 code that builds contexts is unaffected, and it
    takes no part in ``==``: the same span is the same span wherever its
    context was read.
    """

    __slots__ = ("trace_id", "span_id", "trace_options", "trace_state", "is_remote")

    def __init__(
        self,
        trace_id: int,
        span_id: int,
        trace_options: Optional[TraceOptions] = DEFAULT_TRACE_OPTIONS,
        trace_state: Optional[TraceState] = DEFAULT_TRACE_STATE,
        is_remote: bool = False,
    ) -> None:
        self.trace_id = trace_id
        self.span_id = span_id
        self.trace_options = _DEFAULT_OPTIONS if trace_options is None else trace_options
        self.trace_state = _EMPTY_TRACE_STATE if trace_state is None else trace_state
        self.is_remote = is_remote

    def is_valid(self) -> bool:
        """Whether both ids are non-zero, so the context identifies a span."""
        return (
            self.trace_id != INVALID_TRACE_ID and self.span_id != INVALID_SPAN_ID
        )

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, SpanContext):
            return NotImplemented
        return (
            self.trace_id == other.trace_id
            and self.span_id == other.span_id
            and self.trace_options == other.trace_options
            and self.trace_state == other.trace_state
        )

    def __hash__(self) -> int:
        return hash((self.trace_id, self.span_id, int(self.trace_options)))

    def __repr__(self) -> str:
        return "{}(trace_id={}, span_id={}, trace_state={!r})".format(
            type(self).__name__,
            format_trace_id(self.trace_id),
            format_span_id(self.span_id),
            self.trace_state,
        )


_new_object = object.__new__


def _remote_span_context(
    trace_id: int, span_id: int, trace_options: TraceOptions, trace_state: TraceState
) -> SpanContext:
    """``SpanContext(trace_id, span_id, trace_options, trace_state, is_remote=True)``, faster.

    For the propagators' hot path, whose parts are already checked: filling
    the slots directly skips the class call and ``__init__``, which together
    cost more than the five stores.
    """
    context: SpanContext = _new_object(SpanContext)
    context.trace_id = trace_id
    context.span_id = span_id
    context.trace_options = trace_options
    context.trace_state = trace_state
    context.is_remote = True
    return context


#: The context of no span: a receiver that gets it starts a new trace.
INVALID_SPAN_CONTEXT = SpanContext(INVALID_TRACE_ID, INVALID_SPAN_ID)
