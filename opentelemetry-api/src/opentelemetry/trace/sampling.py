"""Samplers: which spans are recorded and exported.

A sampler is asked once per span, before the span exists. The decision is
carried in the span context's sampled flag, so the services a trace crosses
agree on it.
"""

from __future__ import annotations

import logging
import types as _pytypes

from .span import Link
from .span_context import SpanContext

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional, Sequence

    from ..util import types

__all__ = [
    "ALWAYS_OFF",
    "ALWAYS_ON",
    "DEFAULT_OFF",
    "DEFAULT_ON",
    "Decision",
    "ProbabilitySampler",
    "Sampler",
    "StaticSampler",
]

logger = logging.getLogger(__name__)

_NO_ATTRIBUTES: Mapping[str, types.AttributeValue] = _pytypes.MappingProxyType({})


class Decision:
    """A sampler's answer: whether to sample, and attributes to add if so."""

    __slots__ = ("sampled", "attributes")

    def __init__(self, sampled: bool = False, attributes: types.Attributes = None) -> None:
        self.sampled = sampled
        self.attributes: Mapping[str, types.AttributeValue] = (
            _NO_ATTRIBUTES if attributes is None else attributes
        )

    def __repr__(self) -> str:
        return "Decision(sampled={}, attributes={!r})".format(
            self.sampled, dict(self.attributes)
        )


def _checked_rate(rate: object) -> float:
    """``rate`` as a float from 0 to 1; anything else is logged and clamped."""
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0.0 <= rate <= 1.0:
        return float(rate)
    clamped = 0.0
    if isinstance(rate, (int, float)) and rate == rate:  # NaN clamps to 0
        clamped = float(min(max(rate, 0.0), 1.0))  # compare first: float(10**400) overflows
    logger.warning("Sampling rate %r is not a number from 0 to 1; using %s", rate, clamped)
    return clamped


_SAMPLED = Decision(True)
_NOT_SAMPLED = Decision(False)


class Sampler:
    """Decides whether a span about to start is sampled."""

    def should_sample(
        self,
        parent_context: Optional[SpanContext],
        trace_id: int,
        span_id: int,
        name: str,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> Decision:
        """Decide for a span; ``parent_context`` is ``None`` for a root span.

        ``attributes`` are those the span is started with (``None`` if
        none), and ``links`` its links, for samplers that decide on them.
        """
        raise NotImplementedError


class StaticSampler(Sampler):
    """Gives the same decision for every span, whatever its parent says."""

    def __init__(self, decision: Decision) -> None:
        self._decision = decision

    def should_sample(
        self,
        parent_context: Optional[SpanContext],
        trace_id: int,
        span_id: int,
        name: str,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> Decision:
        return self._decision


class ProbabilitySampler(Sampler):
    """Samples root spans with probability ``rate``; children follow their parent.

    The decision for a root span depends only on the trace id: it is sampled
    when the id's low 64 bits are below ``round(rate * 2**64)``. Every service
    using the same rate therefore makes the same decision for the same trace.
    """

    #: The largest value of the trace id's low 64 bits.
    TRACE_ID_LIMIT = (1 << 64) - 1

    # Both set by the rate setter, which __init__ calls.
    _rate: float
    _bound: int

    def __init__(self, rate: float) -> None:
        self.rate = rate

    @classmethod
    def get_bound_for_rate(cls, rate: float) -> int:
        """The threshold the low 64 bits of a trace id are compared with."""
        return round(rate * (cls.TRACE_ID_LIMIT + 1))

    @property
    def rate(self) -> float:
        """The probability of sampling a root span, from 0 to 1."""
        return self._rate

    @rate.setter
    def rate(self, new_rate: float) -> None:
        self._rate = _checked_rate(new_rate)
        self._bound = self.get_bound_for_rate(self._rate)

    @property
    def bound(self) -> int:
        """The threshold for the current rate."""
        return self._bound

    def should_sample(
        self,
        parent_context: Optional[SpanContext],
        trace_id: int,
        span_id: int,
        name: str,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> Decision:
        if parent_context is not None:
            return _SAMPLED if parent_context.trace_options.sampled else _NOT_SAMPLED
        return _SAMPLED if trace_id & self.TRACE_ID_LIMIT < self._bound else _NOT_SAMPLED


#: Sample every span, whatever the parent decided.
ALWAYS_ON = StaticSampler(_SAMPLED)
#: Sample no span, whatever the parent decided.
ALWAYS_OFF = StaticSampler(_NOT_SAMPLED)
#: Sample root spans; children follow their parent's sampled flag.
DEFAULT_ON = ProbabilitySampler(1.0)
#: Sample no root span; children follow their parent's sampled flag.
DEFAULT_OFF = ProbabilitySampler(0.0)
