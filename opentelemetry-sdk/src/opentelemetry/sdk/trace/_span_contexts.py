"""Checking span contexts the application builds: remote parents and links.

A context with a str id, an id out of range or a trace state that is a
plain string is accepted by the API without a word, and would then fail
every export of the batch it is in. The tracer and the span check the
contexts they are given here, where they enter; the contexts the SDK makes
itself are sound and skip the check.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from opentelemetry import trace as trace_api

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["checked_span_context"]

logger = logging.getLogger(__name__)

_MAX_TRACE_ID = 2**128 - 1
_MAX_SPAN_ID = 2**64 - 1


def _checked_id(value: object, maximum: int) -> Optional[int]:
    """``value`` as a plain int from 0 to ``maximum``, else ``None``."""
    if type(value) is not int:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        try:
            value = int.__int__(value)  # the base method: an override may raise
        except Exception:  # a proxy posing as an int
            return None
    return value if 0 <= value <= maximum else None


def checked_span_context(
    context: trace_api.SpanContext, what: str
) -> Optional[trace_api.SpanContext]:
    """``context`` if it is sound, else a repaired copy, or ``None`` if it cannot be.

    Ids that are not ints in range make the context unusable (logged,
    ``None``); an ``int`` subclass becomes a plain ``int``. A trace state
    given as a header string is parsed, one given as another mapping (a
    plain dict) becomes a ``TraceState`` of its valid entries, any other one
    is replaced by the empty state; flags that are neither
    ``TraceOptions`` nor an ``int`` become the default. These repairs are
    logged.
    """
    try:
        trace_id = _checked_id(context.trace_id, _MAX_TRACE_ID)
        span_id = _checked_id(context.span_id, _MAX_SPAN_ID)
        if trace_id is None or span_id is None:
            logger.warning(
                "Ignored %s: trace id (%s) must be an int of 128 bits, span id (%s) of 64 bits",
                what,
                type(context.trace_id).__name__,
                type(context.span_id).__name__,
            )
            return None
        trace_state = context.trace_state
        trace_options = context.trace_options
        if (
            trace_id is context.trace_id
            and span_id is context.span_id
            and isinstance(trace_state, trace_api.TraceState)
            and isinstance(trace_options, trace_api.TraceOptions)
        ):
            return context
        if not isinstance(trace_state, trace_api.TraceState):
            if isinstance(trace_state, str):
                logger.warning("The trace_state of a %s is a str; parsed as a header", what)
                trace_state = trace_api.TraceState.from_header([str.__str__(trace_state)])
            elif isinstance(trace_state, Mapping):
                # A plain dict, as v0.3 code may give (TraceState was a dict
                # there): its entries are kept, each checked.
                trace_state = trace_api.TraceState(trace_state)
            else:
                logger.warning(
                    "The trace_state of a %s is a %s, not a TraceState; using an empty one",
                    what,
                    type(trace_state).__name__,
                )
                trace_state = trace_api.TraceState()
        if type(trace_options) is int:  # the flags byte as a plain int: kept
            trace_options = trace_api.TraceOptions(trace_options & 0xFF)
        elif not isinstance(trace_options, trace_api.TraceOptions):
            logger.warning(
                "The trace_options of a %s are a %s, not TraceOptions; using the default",
                what,
                type(trace_options).__name__,
            )
            trace_options = trace_api.TraceOptions.get_default()
        # A repaired remote parent stays remote, for parent-based sampling.
        is_remote = getattr(context, "is_remote", False) is True
        return trace_api.SpanContext(trace_id, span_id, trace_options, trace_state, is_remote)
    except Exception:  # a proxy or broken object posing as a context
        logger.warning("Ignored %s: reading its %s failed", what, type(context).__name__)
        return None
