"""The interface of formats that carry a span context as bytes."""

import abc
from typing import Optional

from opentelemetry.trace import SpanContext

__all__ = ["BinaryFormat"]


class BinaryFormat(abc.ABC):
    """Turns a span context into bytes and back, for binary protocols.

    Both methods are static, as in v0.3: a format is used through its class.
    """

    @staticmethod
    @abc.abstractmethod
    def to_bytes(context: SpanContext) -> bytes:
        """The bytes that represent ``context``."""

    @staticmethod
    @abc.abstractmethod
    def from_bytes(byte_representation: bytes) -> Optional[SpanContext]:
        """The context ``byte_representation`` encodes, or ``None`` if it encodes none."""
