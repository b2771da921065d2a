"""New locks for SDK objects in the child of :func:`os.fork`.

A fork copies a lock in whatever state it is in. If another thread of the
parent held it at that moment (inside an export, say), that thread does not
exist in the child and nobody ever releases the lock: the child's first
``span.end()`` would wait for ever. Each object that owns a lock registers
here, and its ``_renew_locks_after_fork`` runs in the child before any other
code does.
"""

from __future__ import annotations

import os
import weakref

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class _OwnsLocks(Protocol):
        def _renew_locks_after_fork(self) -> None: ...


__all__ = ["renew_locks_after_fork"]

# Keyed by id(): a weak mapping needs no hash of the object (a subclass may
# define __eq__ without __hash__), and an entry goes when its object does.
_owners: "weakref.WeakValueDictionary[int, _OwnsLocks]" = weakref.WeakValueDictionary()


def renew_locks_after_fork(owner: _OwnsLocks) -> None:
    """Have ``owner._renew_locks_after_fork()`` called in every forked child."""
    _owners[id(owner)] = owner


def _renew_in_child() -> None:
    for owner in list(_owners.values()):
        owner._renew_locks_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_in_child)
