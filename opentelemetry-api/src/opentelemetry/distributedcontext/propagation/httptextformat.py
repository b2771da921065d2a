"""The interface of formats that carry a distributed context in text headers."""

from typing import TypeVar

from opentelemetry.context.propagation import Getter, Setter

from ..distributed_context import DistributedContext

__all__ = ["HTTPTextFormat"]

_T = TypeVar("_T")


class HTTPTextFormat:
    """Reads a distributed context from, and writes one to, text headers.

    The getter and setter are those of
    :class:`opentelemetry.context.propagation.HTTPTextFormat`. This base is
    the no-op: it injects nothing and extracts an empty context.
    """

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> DistributedContext:
        """The distributed context in the carrier's headers; empty if none. Never raises."""
        return _EMPTY_CONTEXT

    def inject(
        self, context: DistributedContext, set_in_carrier: Setter[_T], carrier: _T
    ) -> None:
        """Write the propagated entries of ``context`` into the carrier."""


_EMPTY_CONTEXT = DistributedContext()
