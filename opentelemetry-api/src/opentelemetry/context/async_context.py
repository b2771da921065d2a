"""The runtime context: named slots whose values follow the flow of execution.

Each slot is a :class:`contextvars.ContextVar`, so a value set in one thread or
asyncio task is invisible to the others, a new task starts with a copy of its
creator's values, and nothing needs a lock.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import weakref

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, TypeVar

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


class _Slot:
    """One named value of the runtime context."""

    __slots__ = ("name", "default", "contextvar")

    def __init__(self, name: str, default: Any) -> None:
        self.name = name
        self.default = default
        #: The variable behind the slot; hot paths use its token-based
        #: ``set``/``reset`` directly.
        self.contextvar: "contextvars.ContextVar[Any]" = contextvars.ContextVar(
            "opentelemetry." + name, default=default
        )

    def get(self) -> Any:
        """The slot's value in the current context."""
        return self.contextvar.get()

    def set(self, value: Any) -> "contextvars.Token[Any]":
        """Set the value in the current context; the token undoes it."""
        return self.contextvar.set(value)

    def clear(self) -> None:
        """Set the value back to the slot's default."""
        self.contextvar.set(self.default)

    def __repr__(self) -> str:
        return "Slot({!r}, default={!r})".format(self.name, self.default)


# Every runtime context, for new locks in a forked child (weakly: a context
# that becomes garbage leaves nothing behind).
_contexts: "weakref.WeakValueDictionary[int, AsyncRuntimeContext]" = weakref.WeakValueDictionary()


def _renew_locks_in_child() -> None:
    for context in list(_contexts.values()):
        context._renew_lock_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_locks_in_child)


class AsyncRuntimeContext:
    """The process's runtime context, backed by :mod:`contextvars`.

    Slots are read and written as attributes or items
    (``Context.current_span``, ``Context["current_span"]``); assigning a name
    that is not yet a slot registers it. ``print(Context)`` shows every slot's
    current value.
    """

    Slot = _Slot

    _slots: Dict[str, _Slot]
    _lock: threading.RLock

    def __init__(self) -> None:
        # Plain attributes, set past __setattr__, which would make them slots.
        object.__setattr__(self, "_slots", {})
        # Re-entrant, for a signal handler registering a slot; new after a fork.
        object.__setattr__(self, "_lock", threading.RLock())
        _contexts[id(self)] = self

    def _renew_lock_after_fork(self) -> None:
        object.__setattr__(self, "_lock", threading.RLock())

    def register_slot(self, name: str, default: Any = None) -> _Slot:
        """Return the slot called ``name``, creating it with ``default``."""
        slot = self._slots.get(name)
        if slot is None:
            with self._lock:
                slot = self._slots.setdefault(name, _Slot(name, default))
        return slot

    def snapshot(self) -> Dict[str, Any]:
        """Every slot's current value, by name."""
        return {
            name: slot.get()
            for name, slot in self._slots.items()
        }

    def apply(self, snapshot: Dict[str, Any]) -> None:
        """Set each slot named in ``snapshot`` to its value there."""
        for name, value in snapshot.items():
            self.register_slot(name).set(value)

    def with_current_context(self, func: _F) -> _F:
        """Wrap ``func`` so it runs in the context current now.

        For handing work to another thread or a callback: the wrapper sees
        the values of this moment, and what it changes stays inside each call.
        """
        captured = contextvars.copy_context()

        def call_with_captured_context(*args: Any, **kwargs: Any) -> Any:
            return captured.copy().run(func, *args, **kwargs)

        return call_with_captured_context  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        slot = self._slots.get(name)
        if slot is None:
            raise AttributeError(
                "{!r} is not a slot of the runtime context".format(name)
            )
        return slot.get()

    def __setattr__(self, name: str, value: Any) -> None:
        self.register_slot(name).set(value)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.__getattr__(name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self.__setattr__(name, value)

    def __repr__(self) -> str:
        return "{}({})".format(type(self).__name__, self.snapshot())
