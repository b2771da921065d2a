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
"""

from __future__ import annotations

import logging
import os
import sys

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
        logger.exception(
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
        logger.error(
            "%s returned %r, which is not a %s; using the no-op: %s",
            origin,
            result,
            api_type.__name__,
            hint,
        )
        return default()
    return result
