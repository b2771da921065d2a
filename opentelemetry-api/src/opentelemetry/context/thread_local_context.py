"""A runtime context whose slots are per thread, for code that wants exactly that.

:data:`opentelemetry.context.Context` is an
:class:`~opentelemetry.context.async_context.AsyncRuntimeContext`, which also
follows asyncio tasks; this class keeps each value in a
:class:`threading.local` instead, as v0.3 did where :mod:`contextvars` was
missing.
"""

from __future__ import annotations

import threading

from .base_context import BaseRuntimeContext

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ThreadLocalRuntimeContext"]


class _Slot(BaseRuntimeContext.Slot):
    """One named value, kept per thread; a thread that never set it reads the default."""

    __slots__ = ("_thread_local",)

    def __init__(self, name: str, default: Any) -> None:
        super().__init__(name, default)
        self._thread_local = threading.local()

    def get(self) -> Any:
        try:
            return self._thread_local.value
        except AttributeError:  # first read in this thread
            value = self._thread_local.value = self.default_value()
            return value

    def set(self, value: Any) -> None:
        self._thread_local.value = value


class ThreadLocalRuntimeContext(BaseRuntimeContext):
    """A runtime context whose slot values belong to the thread that set them."""

    Slot = _Slot
