"""What the SDK does in the child of :func:`os.fork`: one hook, registered once.

A fork copies a lock in whatever state it is in. If another thread of the
parent held it at that moment (inside an export, say), that thread does not
exist in the child and nobody ever releases the lock: the child's first
``span.end()`` would wait for ever. Worker threads do not exist in the child
either, and what the parent measured is the parent's to export. So the SDK
registers one :func:`os.register_at_fork` hook, here, and everything that
must change in the child registers with it. In the child, before any other
code runs, it calls, in this order:

1. the module-level callbacks (:func:`call_after_fork`): a module's own
   lock, the id generator's seed;
2. ``owner._renew_locks_after_fork()`` of every object given to
   :func:`renew_locks_after_fork`: new locks, touching nothing but the
   owner's own state;
3. ``owner._reset_after_fork()`` of every object given to
   :func:`reset_after_fork`: state the parent owns forgotten, worker threads
   started again. These run once every lock above is new, so they may take
   other objects' locks.

Objects are held by weak references, so registering keeps none alive, and
each kind runs in the order of registration; an object registers once, when
it is made. One callback that fails is reported and the others still
run. The API keeps its own two hooks (the loader's and the error reporter's
locks): it cannot import the SDK, and it must be fork-safe without it.
"""

from __future__ import annotations

import logging
import os
import weakref

from opentelemetry.util._error_handler import report_exception

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Protocol

    class _OwnsLocks(Protocol):
        def _renew_locks_after_fork(self) -> None: ...

    class _Resets(Protocol):
        def _reset_after_fork(self) -> None: ...


__all__ = ["call_after_fork", "renew_locks_after_fork", "reset_after_fork"]

logger = logging.getLogger(__name__)


class _WeakRegistry:
    """Objects in the order they were added, held weakly, with no need of their hash.

    A ``WeakSet`` would hash them (a subclass may define ``__eq__`` without
    ``__hash__``); a ``WeakValueDictionary`` costs three times as much per
    entry, and aggregators register one per series per collection.
    """

    __slots__ = ("_references", "_forget")

    def __init__(self) -> None:
        self._references: "Dict[int, weakref.ReferenceType[Any]]" = {}
        # Keyed by the reference's own id, unique while the entry exists: the
        # callback removes exactly its entry, whatever object reuses the owner's id.
        self._forget = lambda reference: self._references.pop(id(reference), None)

    def add(self, owner: object) -> None:
        reference = weakref.ref(owner, self._forget)
        self._references[id(reference)] = reference

    def live(self) -> "List[Any]":
        """The objects still alive, in the order they were added."""
        owners = [reference() for reference in list(self._references.values())]
        return [owner for owner in owners if owner is not None]


# Module-level functions live as long as their module: held strongly.
_module_callbacks: "List[Callable[[], None]]" = []
_lock_owners = _WeakRegistry()
_resetters = _WeakRegistry()


def call_after_fork(callback: "Callable[[], None]") -> None:
    """Have ``callback()`` (module-level state) called first in every forked child."""
    _module_callbacks.append(callback)


def renew_locks_after_fork(owner: _OwnsLocks) -> None:
    """Have ``owner._renew_locks_after_fork()`` called in every forked child."""
    _lock_owners.add(owner)


def reset_after_fork(owner: _Resets) -> None:
    """Have ``owner._reset_after_fork()`` called in every forked child, after every lock is new."""
    _resetters.add(owner)


def _in_child() -> None:
    callbacks: "List[Callable[[], None]]" = list(_module_callbacks)
    callbacks += [owner._renew_locks_after_fork for owner in _lock_owners.live()]
    callbacks += [owner._reset_after_fork for owner in _resetters.live()]
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the others must still run: each keeps the child from hanging
            report_exception(logger, "Making %r safe in a forked child failed", callback)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_child)
