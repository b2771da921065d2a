"""The interface of formats that carry a distributed context as bytes."""

from typing import Optional

from ..distributed_context import DistributedContext

__all__ = ["BinaryFormat"]


class BinaryFormat:
    """Turns a distributed context into bytes and back.

    This base is the no-op: no bytes, and no context read from any. Both
    methods are static, as in v0.3.
    """

    @staticmethod
    def to_bytes(context: DistributedContext) -> bytes:
        """The bytes that represent ``context``."""
        return b""

    @staticmethod
    def from_bytes(byte_representation: bytes) -> Optional[DistributedContext]:
        """The context ``byte_representation`` encodes, or ``None``."""
        return None
