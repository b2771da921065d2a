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

__all__ = ["ParentBasedSampler", "TraceIdRatioSampler", "sampler_from_configuration"]

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


def _checked_sampler(role: str, sampler: object, default: sampling.Sampler) -> sampling.Sampler:
    """``sampler`` if it can decide, else ``default`` (logged)."""
    if isinstance(sampler, sampling.Sampler) or (
        not isinstance(sampler, type) and callable(getattr(sampler, "should_sample", None))
    ):
        return sampler  # type: ignore[return-value]
    logger.warning("ParentBasedSampler %s=%r is not a Sampler; using %r", role, sampler, default)
    return default


class ParentBasedSampler(sampling.Sampler):
    """Decides root spans with ``root``, and children by what their parent decided.

    A span whose parent is sampled asks ``remote_parent_sampled`` (the
    parent's context came from another process, ``SpanContext.is_remote``)
    or ``local_parent_sampled``; one whose parent is not sampled asks
    ``remote_parent_not_sampled`` or ``local_parent_not_sampled``. The
    defaults follow the parent: sample when it did, not when it did not.
    This is the specification's ``parentbased_*`` sampler, and what the
    ``OTEL_TRACES_SAMPLER`` names starting with ``parentbased_`` build. A
    delegate that is not a sampler is logged and its default used.
    """

    def __init__(
        self,
        root: sampling.Sampler,
        remote_parent_sampled: sampling.Sampler = sampling.ALWAYS_ON,
        remote_parent_not_sampled: sampling.Sampler = sampling.ALWAYS_OFF,
        local_parent_sampled: sampling.Sampler = sampling.ALWAYS_ON,
        local_parent_not_sampled: sampling.Sampler = sampling.ALWAYS_OFF,
    ) -> None:
        self.root = _checked_sampler("root", root, sampling.ALWAYS_ON)
        self.remote_parent_sampled = _checked_sampler(
            "remote_parent_sampled", remote_parent_sampled, sampling.ALWAYS_ON
        )
        self.remote_parent_not_sampled = _checked_sampler(
            "remote_parent_not_sampled", remote_parent_not_sampled, sampling.ALWAYS_OFF
        )
        self.local_parent_sampled = _checked_sampler(
            "local_parent_sampled", local_parent_sampled, sampling.ALWAYS_ON
        )
        self.local_parent_not_sampled = _checked_sampler(
            "local_parent_not_sampled", local_parent_not_sampled, sampling.ALWAYS_OFF
        )

    def should_sample(
        self,
        parent_context: Optional[SpanContext],
        trace_id: int,
        span_id: int,
        name: str,
        attributes: types.Attributes = None,
        links: Sequence[Link] = (),
    ) -> sampling.Decision:
        if parent_context is None or not parent_context.is_valid():
            delegate = self.root
        elif getattr(parent_context, "is_remote", False):
            if parent_context.trace_options.sampled:
                delegate = self.remote_parent_sampled
            else:
                delegate = self.remote_parent_not_sampled
        elif parent_context.trace_options.sampled:
            delegate = self.local_parent_sampled
        else:
            delegate = self.local_parent_not_sampled
        return delegate.should_sample(parent_context, trace_id, span_id, name, attributes, links)

    def __repr__(self) -> str:
        return "ParentBasedSampler(root={!r})".format(self.root)


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
        return ParentBasedSampler(sampling.ALWAYS_OFF)
    if name == "parentbased_traceidratio":
        return ParentBasedSampler(TraceIdRatioSampler(ratio))
    # parentbased_always_on, the default: v0.3's default sampler, which
    # decides exactly as ParentBasedSampler(ALWAYS_ON) does.
    return sampling.DEFAULT_ON
