"""How much one span may hold."""

from __future__ import annotations

import logging

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from ..configuration import Configuration

__all__ = ["MAX_NUM_ATTRIBUTES", "MAX_NUM_EVENTS", "MAX_NUM_LINKS", "SpanLimits"]

logger = logging.getLogger(__name__)

#: The default most attributes a span (and each of its events and links) keeps.
MAX_NUM_ATTRIBUTES = 32
#: The default most events a span keeps.
MAX_NUM_EVENTS = 128
#: The default most links a span keeps.
MAX_NUM_LINKS = 32


def _checked_limit(name: str, value: object, default: int) -> int:
    """``value`` if it is an ``int`` of at least 0, else ``default`` (logged)."""
    if type(value) is int and value >= 0:
        return value
    logger.warning("SpanLimits %s=%r is not an int >= 0; using %s", name, value, default)
    return default


class SpanLimits:
    """The most attributes, events and links a span keeps (v0.3 defaults).

    Give one to the ``TracerSource`` (``span_limits=SpanLimits(...)``) to
    change them for all its spans. Past a limit the oldest entry is evicted
    and the span counts the drop, so exporters can report it. Event and link
    attributes share the attribute limit. A limit that is not an ``int`` of
    at least 0 is logged and the default used.

    ``max_attribute_length``, when not ``None``, truncates ``str`` attribute
    values (of spans, events and links, and the strings inside sequences) to
    that many characters; ``None``, the default, keeps them whole.
    """

    __slots__ = ("max_attributes", "max_events", "max_links", "max_attribute_length")

    def __init__(
        self,
        max_attributes: int = MAX_NUM_ATTRIBUTES,
        max_events: int = MAX_NUM_EVENTS,
        max_links: int = MAX_NUM_LINKS,
        max_attribute_length: Optional[int] = None,
    ) -> None:
        self.max_attributes = _checked_limit("max_attributes", max_attributes, MAX_NUM_ATTRIBUTES)
        self.max_events = _checked_limit("max_events", max_events, MAX_NUM_EVENTS)
        self.max_links = _checked_limit("max_links", max_links, MAX_NUM_LINKS)
        self.max_attribute_length: Optional[int] = None
        if max_attribute_length is not None:
            self.max_attribute_length = _checked_limit(
                "max_attribute_length", max_attribute_length, None  # type: ignore[arg-type]
            )

    @classmethod
    def from_configuration(cls, configuration: Configuration) -> "SpanLimits":
        """The limits the ``OTEL_SPAN_*_COUNT_LIMIT`` and ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT``
        variables set (see :mod:`opentelemetry.sdk.configuration`)."""
        return cls(
            configuration.span_attribute_count_limit,
            configuration.span_event_count_limit,
            configuration.span_link_count_limit,
            configuration.attribute_value_length_limit,
        )

    def __repr__(self) -> str:
        return (
            "SpanLimits(max_attributes={}, max_events={}, max_links={}, "
            "max_attribute_length={})"
        ).format(self.max_attributes, self.max_events, self.max_links, self.max_attribute_length)
