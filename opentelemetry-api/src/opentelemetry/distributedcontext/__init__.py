"""Distributed context: labels that travel with a request through every service.

An application sets entries (:class:`Entry`: an :class:`EntryKey`, an
:class:`EntryValue` and :class:`EntryMetadata`) in a
:class:`DistributedContext`, makes it current with the
:class:`DistributedContextManager`, and the manager's formats carry the
entries to the next process. With no implementation configured the manager
is the no-op; an application chooses one, usually the SDK's, with
:func:`set_preferred_distributed_context_manager_implementation` or the
environment variable
``OPENTELEMETRY_PYTHON_IMPLEMENTATION_DISTRIBUTEDCONTEXTMANAGER`` (see
:mod:`opentelemetry.util.loader`).
"""

import threading
from typing import Callable, Optional, Type

from ..util import loader
from .distributed_context import DistributedContext
from .distributed_context_manager import DistributedContextManager
from .entry import PRINTABLE, Entry, EntryKey, EntryMetadata, EntryTTL, EntryValue

__all__ = [
    "DistributedContext",
    "DistributedContextManager",
    "Entry",
    "EntryKey",
    "EntryMetadata",
    "EntryTTL",
    "EntryValue",
    "PRINTABLE",
    "distributed_context_manager",
    "set_preferred_distributed_context_manager_implementation",
]

#: Builds the manager; called once with :class:`DistributedContextManager`.
DistributedContextManagerFactory = Callable[
    [Type[DistributedContextManager]], DistributedContextManager
]

_MANAGER: Optional[DistributedContextManager] = None
_MANAGER_FACTORY: Optional[DistributedContextManagerFactory] = None
_LOCK = threading.Lock()


def distributed_context_manager() -> DistributedContextManager:
    """The process's distributed context manager, resolved on first use and kept."""
    global _MANAGER  # pylint: disable=global-statement
    manager = _MANAGER
    if manager is None:
        with _LOCK:
            if _MANAGER is None:
                _MANAGER = loader.load_implementation(
                    DistributedContextManager, _MANAGER_FACTORY, DistributedContextManager
                )
            manager = _MANAGER
    return manager


def set_preferred_distributed_context_manager_implementation(
    factory: DistributedContextManagerFactory,
) -> None:
    """Choose the factory that builds the distributed context manager.

    Call it at start-up: once the manager is in use it cannot change, and a
    late call raises :exc:`RuntimeError`, as for the tracer source. The
    environment variables win over this preference.
    """
    global _MANAGER_FACTORY  # pylint: disable=global-statement
    with _LOCK:
        if _MANAGER is not None:
            raise RuntimeError(
                "The DistributedContextManager is already in use; set the preferred "
                "implementation before the first distributed_context_manager()"
            )
        _MANAGER_FACTORY = factory
