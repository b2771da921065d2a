"""How much one span may hold."""

__all__ = ["SpanLimits"]


class SpanLimits:
    """The most attributes, events and links a span keeps (v0.3 defaults).

    Past a limit the oldest entry is evicted and the span counts the drop,
    so exporters can report it. Event and link attributes share the
    attribute limit.
    """

    __slots__ = ("max_attributes", "max_events", "max_links")

    def __init__(
        self, max_attributes: int = 32, max_events: int = 128, max_links: int = 32
    ) -> None:
        self.max_attributes = max_attributes
        self.max_events = max_events
        self.max_links = max_links

    def __repr__(self) -> str:
        return "SpanLimits(max_attributes={}, max_events={}, max_links={})".format(
            self.max_attributes, self.max_events, self.max_links
        )
