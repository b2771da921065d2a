"""How much one span may hold."""

import logging

__all__ = ["SpanLimits"]

logger = logging.getLogger(__name__)


def _checked_limit(name: str, value: object, default: int) -> int:
    """``value`` if it is an ``int`` of at least 0, else ``default`` (logged)."""
    if type(value) is int and value >= 0:
        return value
    logger.warning("SpanLimits %s=%r is not an int >= 0; using %d", name, value, default)
    return default


class SpanLimits:
    """The most attributes, events and links a span keeps (v0.3 defaults).

    Give one to the ``TracerSource`` (``span_limits=SpanLimits(...)``) to
    change them for all its spans. Past a limit the oldest entry is evicted
    and the span counts the drop, so exporters can report it. Event and link
    attributes share the attribute limit. A limit that is not an ``int`` of
    at least 0 is logged and the default used.
    """

    __slots__ = ("max_attributes", "max_events", "max_links")

    def __init__(
        self, max_attributes: int = 32, max_events: int = 128, max_links: int = 32
    ) -> None:
        self.max_attributes = _checked_limit("max_attributes", max_attributes, 32)
        self.max_events = _checked_limit("max_events", max_events, 128)
        self.max_links = _checked_limit("max_links", max_links, 32)

    def __repr__(self) -> str:
        return "SpanLimits(max_attributes={}, max_events={}, max_links={})".format(
            self.max_attributes, self.max_events, self.max_links
        )
