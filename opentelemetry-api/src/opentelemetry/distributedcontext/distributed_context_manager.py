"""Which distributed context is current, and the formats that propagate it."""

import types as _pytypes
from typing import ContextManager, Optional, Type

from .distributed_context import DistributedContext
from .propagation import BinaryFormat, HTTPTextFormat

__all__ = ["DistributedContextManager"]


class DistributedContextManager:
    """Tracks the current distributed context and hands out its formats.

    This base is the API's no-op: there is never a current context, and its
    formats propagate nothing. The SDK's manager keeps the current context
    in the runtime context.
    """

    def get_current_context(self) -> Optional[DistributedContext]:
        """The distributed context current in this thread or task, if any."""
        return None

    def http_text_format(self) -> HTTPTextFormat:
        """The format that carries a distributed context in text headers."""
        return _NOOP_HTTP_TEXT_FORMAT

    def binary_format(self) -> BinaryFormat:
        """The format that carries a distributed context as bytes."""
        return _NOOP_BINARY_FORMAT

    def use_context(self, context: DistributedContext) -> ContextManager[DistributedContext]:
        """Make ``context`` current for a ``with`` block; the no-op only yields it."""
        return _YieldingScope(context)


class _YieldingScope:
    """Yields a context to a ``with`` block and changes nothing."""

    __slots__ = ("_context",)

    def __init__(self, context: DistributedContext) -> None:
        self._context = context

    def __enter__(self) -> DistributedContext:
        return self._context

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        return None


_NOOP_HTTP_TEXT_FORMAT = HTTPTextFormat()
_NOOP_BINARY_FORMAT = BinaryFormat()
