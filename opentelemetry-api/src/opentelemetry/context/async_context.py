"""The runtime context: named slots whose values follow the flow of execution.

Each slot is a :class:`contextvars.ContextVar`, so a value set in one thread or
asyncio task is invisible to the others, a new task starts with a copy of its
creator's values, and nothing needs a lock.
"""

from __future__ import annotations

import contextvars
import logging

from .base_context import BaseRuntimeContext

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["AsyncRuntimeContext", "restore"]


logger = logging.getLogger(__name__)

# Whether restore() has warned yet: once per process, then debug messages.
_warned_foreign_restore = False


def restore(token: contextvars.Token[Any]) -> None:
    """Undo the slot ``set`` that returned ``token``, restoring the value before it.

    A ``with`` block left in another context than it was entered (an
    asynchronous generator started in one task and finished in another, a
    callback run elsewhere) cannot use its token. That context did not make
    the change, and the value from before the block belongs to the context
    that did: writing it here would make another request's span current.
    The context is left alone, and the first such case in the process is
    logged as a warning (later ones at debug level).
    """
    global _warned_foreign_restore  # pylint: disable=global-statement
    try:
        token.var.reset(token)
    except (ValueError, RuntimeError):
        log = logger.debug if _warned_foreign_restore else logger.warning
        _warned_foreign_restore = True
        log(
            "%s not restored: the with block ends in another context than it began "
            "(e.g. an async generator finished in another task); that context is left as it is",
            token.var.name,
        )


class _Slot(BaseRuntimeContext.Slot):
    """One named value of the runtime context, kept in a context variable."""

    __slots__ = ("contextvar",)

    def __init__(self, name: str, default: Any) -> None:
        super().__init__(name, default)
        #: The variable behind the slot; hot paths use its token-based
        #: ``set``/``reset`` directly. A default that makes values is called
        #: by get(), so the variable then has none of its own.
        self.contextvar: "contextvars.ContextVar[Any]" = (
            contextvars.ContextVar("opentelemetry." + name)
            if callable(default)
            else contextvars.ContextVar("opentelemetry." + name, default=default)
        )

    def get(self) -> Any:
        """The slot's value in the current context."""
        try:
            return self.contextvar.get()
        except LookupError:  # a callable default, not yet used in this context
            value = self.default()
            self.contextvar.set(value)
            return value

    def set(self, value: Any) -> "contextvars.Token[Any]":
        """Set the value in the current context; the token undoes it."""
        return self.contextvar.set(value)


class AsyncRuntimeContext(BaseRuntimeContext):
    """The process's runtime context, backed by :mod:`contextvars`.

    Each slot is a context variable, so a value set in one thread or asyncio
    task is invisible to the others and a new task starts with a copy of its
    creator's values. ``print(Context)`` shows every slot's current value.
    """

    Slot = _Slot

    if TYPE_CHECKING:  # the slots registered here are context-variable slots

        @classmethod
        def register_slot(cls, name: str, default: object = None) -> _Slot: ...

    def with_current_context(self, func: _F) -> _F:
        """Wrap ``func`` so it runs in the context current now.

        For handing work to another thread or a callback: the wrapper sees
        the values of this moment, and what it changes stays inside each call.
        """
        captured = contextvars.copy_context()

        def call_with_captured_context(*args: Any, **kwargs: Any) -> Any:
            return captured.copy().run(func, *args, **kwargs)

        return call_with_captured_context  # type: ignore[return-value]
