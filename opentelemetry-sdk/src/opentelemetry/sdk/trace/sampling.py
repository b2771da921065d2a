"""The SDK's samplers beyond the API's, and the one ``OTEL_TRACES_SAMPLER`` chooses."""

from __future__ import annotations

import logging

from opentelemetry.trace import sampling

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Sequence

    from opentelemetry.trace import Link, SpanContext
    from opentelemetry.util import types

    from ..configuration import Configuration

__all__ = ["TraceIdRatioSampler", "sampler_from_configuration"]

logger = logging.getLogger(__name__)

_SAMPLED = sampling.Decision(True)
_NOT_SAMPLED = sampling.Decision(False)


class TraceIdRatioSampler(sampling.Sampler):
    """Samples a ``rate`` share of traces by trace id alone, whatever the parent decided.

    The decision is the one :class:`~opentelemetry.trace.sampling.ProbabilitySampler`
    makes for a root span (the trace id's low 64 bits below
    ``round(rate * 2**64)``), so every service with the same rate agrees on a
    trace; unlike it, children do not follow their parent. This is the
    specification's ``traceidratio``; wrap it in a parent-based sampler to
    respect the parent.
    """

    def __init__(self, rate: float) -> None:
        self._probability = sampling.ProbabilitySampler(rate)

    @property
    def rate(self) -> float:
        """The share of traces sampled, from 0 to 1."""
        return self._probability.rate

    def should_sample(
        self,
        parent_context: Optional[SpanContext],
        trace_id: int,
        span_id: int,
        name: str,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> sampling.Decision:
        limit = sampling.ProbabilitySampler.TRACE_ID_LIMIT
        return _SAMPLED if trace_id & limit < self._probability.bound else _NOT_SAMPLED

    def __repr__(self) -> str:
        return "TraceIdRatioSampler({})".format(self.rate)


def sampler_from_configuration(configuration: Configuration) -> sampling.Sampler:
    """The sampler ``OTEL_TRACES_SAMPLER`` and ``OTEL_TRACES_SAMPLER_ARG`` name."""
    name = configuration.traces_sampler
    ratio = configuration.traces_sampler_ratio
    if name == "always_on":
        return sampling.ALWAYS_ON
    if name == "always_off":
        return sampling.ALWAYS_OFF
    if name == "traceidratio":
        return TraceIdRatioSampler(ratio)
    if name == "parentbased_always_off":
        return sampling.DEFAULT_OFF
    if name == "parentbased_traceidratio":
        return sampling.ProbabilitySampler(ratio)
    return sampling.DEFAULT_ON
