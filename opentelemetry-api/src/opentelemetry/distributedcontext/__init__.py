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
_LOAD_ONCE = loader._LoadOnce()


def _loaded_manager() -> Optional[DistributedContextManager]:
    return _MANAGER


def _load_manager() -> DistributedContextManager:
    global _MANAGER  # pylint: disable=global-statement
    manager = loader.load_implementation(
        DistributedContextManager, _MANAGER_FACTORY, DistributedContextManager
    )
    _MANAGER = manager
    return manager


def distributed_context_manager() -> DistributedContextManager:
    """The process's distributed context manager, resolved on first use and kept.

    Asked again while it is being resolved, by the implementation's own
    import or factory, it returns a no-op manager for that call.
    """
    manager = _MANAGER
    if manager is None:
        manager = _LOAD_ONCE.get(_loaded_manager, _load_manager, DistributedContextManager)
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
    with _LOAD_ONCE.lock:
        if _MANAGER is not None or _LOAD_ONCE.loading:
            raise RuntimeError(
                "The DistributedContextManager is already in use; set the preferred "
                "implementation before the first distributed_context_manager()"
            )
        _MANAGER_FACTORY = factory
