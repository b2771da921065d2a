"""The interface of formats that carry a span context as bytes."""

import abc
from typing import Optional

from opentelemetry.trace import SpanContext

__all__ = ["BinaryFormat"]


class BinaryFormat(abc.ABC):
    """Turns a span context into bytes and back, for binary protocols."""

    @abc.abstractmethod
    def to_bytes(self, context: SpanContext) -> bytes:
        """The bytes that represent ``context``."""

    @abc.abstractmethod
    def from_bytes(self, byte_representation: bytes) -> Optional[SpanContext]:
        """The context ``byte_representation`` encodes, or ``None`` if it encodes none."""
