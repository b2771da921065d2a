"""Finds the implementation behind an API type.

The order, from the v0.3 loader: the environment variable
``OPENTELEMETRY_PYTHON_IMPLEMENTATION_<TYPE>`` (``<TYPE>`` is the API type's
name upper-cased, e.g. ``TRACERSOURCE``), then
``OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT``, then the factory the program
preferred, else the API's own no-op. A variable names a module whose
``get_opentelemetry_implementation(api_type)`` is the factory, or
``module:attribute`` for another callable. ``python -E`` disables the variables.

Whatever goes wrong (a module that does not import, a factory that raises or
returns the wrong type) is logged and the no-op is used: a tracing
misconfiguration must not stop the application.

No lock is held while the module imports or the factory runs: an
instrumented module asks for a tracer at import time, which would otherwise
wait for itself. :class:`_LoadOnce` arranges that.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import weakref

from ._error_handler import report_exception, report_failure

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Tuple, Type, TypeVar

    _T = TypeVar("_T")

    #: Called with the API type, returns the instance to use.
    ImplementationFactory = Callable[[Type[_T]], _T]
else:

    def __getattr__(name: str) -> object:
        # The public alias ImplementationFactory needs typing, which is slow
        # to import: it is built on first use and kept.
        if name != "ImplementationFactory":
            raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
        from typing import Callable, Type, TypeVar

        _T = TypeVar("_T")
        alias = globals()[name] = Callable[[Type[_T]], _T]
        return alias

__all__ = [
    "ENV_PREFIX",
    "ImplementationFactory",
    "load_implementation",
    "set_preferred_default_implementation",
]

logger = logging.getLogger(__name__)

ENV_PREFIX = "OPENTELEMETRY_PYTHON_IMPLEMENTATION_"

_DEFAULT_FACTORY: Optional[ImplementationFactory[Any]] = None


def set_preferred_default_implementation(
    implementation_factory: ImplementationFactory[Any],
) -> None:
    """Prefer ``implementation_factory`` for every API type without a factory of its own.

    It is called with the API type (``TracerSource``, ...) and returns the
    instance to use, like the type-specific preferences
    (``trace.set_preferred_tracer_source_implementation``), which win over
    it, as the environment variables win over both. It applies to the API
    types not yet resolved: call it at start-up.
    """
    global _DEFAULT_FACTORY  # pylint: disable=global-statement
    _DEFAULT_FACTORY = implementation_factory


def _environment_choice(api_type: Type[_T]) -> Tuple[str, str]:
    """The variable that names a factory and its value, or two empty strings."""
    if sys.flags.ignore_environment:
        return "", ""
    for suffix in (api_type.__name__.upper(), "DEFAULT"):
        variable = ENV_PREFIX + suffix
        spec = os.environ.get(variable, "").strip()
        if spec:
            return variable, spec
    return "", ""


def _import_factory(spec: str) -> ImplementationFactory[Any]:
    """The callable ``module`` or ``module:attribute`` names."""
    import importlib  # here, not at the top: only this rare path needs it, and import time counts

    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name.strip())
    return getattr(module, attribute.strip() or "get_opentelemetry_implementation")  # type: ignore[no-any-return]


def load_implementation(
    api_type: Type[_T],
    preferred_factory: Optional[ImplementationFactory[_T]],
    default: Callable[[], _T],
) -> _T:
    """Return the instance of ``api_type`` the environment or program chose.

    ``default`` builds the no-op used when nothing is chosen or the choice
    fails. Without ``preferred_factory`` the one given to
    :func:`set_preferred_default_implementation` is used, if any.
    """
    variable, spec = _environment_choice(api_type)
    origin = "{}={}".format(variable, spec) if variable else "the preferred factory"
    if preferred_factory is None:
        preferred_factory = _DEFAULT_FACTORY
    try:
        factory = _import_factory(spec) if variable else preferred_factory
        if factory is None:
            return default()
        result = factory(api_type)
    except Exception:  # any failure in user-supplied code falls back to the no-op
        report_exception(
            logger,
            "Loading the %s implementation from %s failed; using the no-op",
            api_type.__name__,
            origin,
        )
        return default()
    if not isinstance(result, api_type):
        if isinstance(result, type):
            hint = "return an instance, e.g. lambda api_type: {}()".format(result.__name__)
        else:
            hint = "a factory is called with the API type and returns a {} instance".format(
                api_type.__name__
            )
        report_failure(
            logger,
            "%s returned %r, which is not a %s; using the no-op: %s",
            origin,
            result,
            api_type.__name__,
            hint,
            level=logging.ERROR,
        )
        return default()
    return result


# How long a thread waits for another thread that is loading the implementation.
_WAIT_FOR_LOAD_SECONDS = 30.0
_load_onces: "weakref.WeakValueDictionary[int, _LoadOnce]" = weakref.WeakValueDictionary()


class _LoadOnce:
    """Runs the loading of one API type's implementation once, with no lock held.

    The lock guards only who loads. A thread that asks again while it is
    loading (the implementation's module, or its factory, asks for a
    tracer) gets the placeholder at once; another thread waits for the
    load, at most 30 s, then gets the placeholder too.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._finished = threading.Condition(self.lock)
        self._loading_thread: Optional[int] = None
        _load_onces[id(self)] = self

    def _renew_lock_after_fork(self) -> None:
        # The loading thread, if any, does not exist in the child.
        self.lock = threading.RLock()
        self._finished = threading.Condition(self.lock)
        self._loading_thread = None

    @property
    def loading(self) -> bool:
        """Whether a thread is loading now."""
        return self._loading_thread is not None

    def get(
        self,
        loaded: Callable[[], Optional[_T]],
        load: Callable[[], _T],
        placeholder: Callable[[], _T],
    ) -> _T:
        """``loaded()`` if not ``None``; else ``load()`` in this thread, or ``placeholder()``.

        ``load`` stores what it loads where ``loaded`` finds it.
        """
        me = threading.get_ident()
        with self.lock:
            result = loaded()
            if result is not None:
                return result
            if self._loading_thread == me:
                return placeholder()
            if self._loading_thread is not None:
                self._finished.wait_for(lambda: loaded() is not None, _WAIT_FOR_LOAD_SECONDS)
                result = loaded()
                if result is not None:
                    return result
                logger.warning(
                    "Another thread is still loading the implementation after %d s; "
                    "using a placeholder",
                    _WAIT_FOR_LOAD_SECONDS,
                )
                return placeholder()
            self._loading_thread = me
        try:
            return load()
        finally:
            with self.lock:
                self._loading_thread = None
                self._finished.notify_all()


def _renew_locks_in_child() -> None:
    for load_once in list(_load_onces.values()):
        load_once._renew_lock_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_locks_in_child)
