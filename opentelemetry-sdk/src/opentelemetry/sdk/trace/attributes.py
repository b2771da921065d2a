"""Which attribute values a span accepts, and their stored form.

Valid values are ``str``, ``bool``, ``int``, ``float`` and homogeneous lists
or tuples of one of them (``int`` and ``float`` may mix; ``bool`` does not
mix with numbers although it is an ``int`` subclass). Sequences are stored as
new lists, so the caller changing theirs later does not change the span, and
subclasses of the scalar types (an ``IntEnum``, a ``str`` subclass) are
stored as the plain type. Keys are non-empty ``str``. Anything else is
dropped with a warning: bad input must never raise. That includes values
whose conversion or truth test raises: lazy proxies, ``Mock(spec=int)``, an
``int`` subclass whose ``__int__`` raises, arrays whose ``bool()`` raises.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ._bounded import keep_newest_entries, truncate_attribute_value

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from opentelemetry.util import types

__all__ = [
    "SCALAR_TYPES",
    "clean_attribute_key",
    "clean_attribute_value",
    "clean_attributes",
    "is_instance",
    "text_or_placeholder",
]

logger = logging.getLogger(__name__)

#: The exact scalar types, checked with ``type(v) in`` on the hot path.
SCALAR_TYPES = frozenset((str, bool, int, float))


def is_instance(value: Any, cls: Any) -> bool:
    """``isinstance(value, cls)``, ``False`` where that raises (a lazy proxy failing to evaluate)."""
    try:
        return isinstance(value, cls)
    except Exception:  # the proxy's __class__ raised
        return False


def text_or_placeholder(value: Any, what: str) -> str:
    """``str(value)`` for a name that is not a ``str``, logged; a placeholder if that raises."""
    try:
        text = str(value)
    except Exception:  # a broken __str__ must not reach the application
        text = "<unprintable {}>".format(type(value).__name__)
    logger.warning("%s of type %s is not a str; using %r", what, type(value).__name__, text)
    return text


def _plain_scalar(value: Any) -> Any:
    """``value`` as exactly ``str``, ``bool``, ``int`` or ``float``, or ``None``."""
    if type(value) in SCALAR_TYPES:
        return value
    try:
        # The base types' own methods: a subclass's override (or a proxy
        # pretending to be one) may raise or return anything.
        if isinstance(value, bool):  # bool has no subclasses: a proxy pretending
            return None
        if isinstance(value, int):
            return int.__int__(value)
        if isinstance(value, float):
            return float.__float__(value)
        if isinstance(value, str):
            return str.__str__(value)
    except Exception:  # not really the type it claims to be
        pass
    return None


def _clean_sequence(value: Any) -> Optional[List[Any]]:
    """A new list of plain scalars of one kind (numbers mix), or ``None``."""
    kind: Optional[type] = None
    cleaned = []
    for element in list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value):
        element = _plain_scalar(element)
        if element is None:
            return None
        element_kind = float if type(element) is int else type(element)
        if kind is None:
            kind = element_kind
        elif kind is not element_kind:
            return None
        cleaned.append(element)
    return cleaned


def clean_attribute_value(value: Any) -> Optional[types.AttributeValue]:
    """The value to store for ``value``, or ``None`` (logged) if invalid."""
    cleaned = _plain_scalar(value)
    if cleaned is None:
        try:
            if isinstance(value, (list, tuple)):
                cleaned = _clean_sequence(value)
        except Exception:  # a proxy that claims to be a list, and is not
            cleaned = None
    if cleaned is None:
        logger.warning(
            "Dropped attribute value of type %s: values must be str, bool, int, "
            "float or a homogeneous list of one of them",
            type(value).__name__,
        )
    return cleaned  # type: ignore[no-any-return]


def clean_attribute_key(key: Any) -> Optional[str]:
    """``key`` as a plain ``str`` if it may name an attribute, else ``None`` (logged)."""
    try:
        if isinstance(key, str):
            key = str.__str__(key)
            if key:
                return key  # type: ignore[no-any-return]
    except Exception:  # a proxy that claims to be a str, and is not
        pass
    logger.warning(
        "Dropped attribute with invalid key of type %s: keys are non-empty str",
        type(key).__name__,
    )
    return None


def clean_attributes(
    attributes: Any, limit: int, max_length: Optional[int] = None
) -> "tuple[Dict[str, types.AttributeValue], int]":
    """The valid entries of ``attributes``, the last ``limit`` of them.

    Returns the new dict and how many valid entries the limit evicted.
    Invalid entries are logged and dropped; a mapping that fails while it
    is read keeps the entries read before. With ``max_length``, string
    values are cut to it. The limits are enforced by ``_bounded``.
    """
    cleaned: Dict[str, types.AttributeValue] = {}
    try:
        if type(attributes) is not dict and not isinstance(attributes, Mapping):
            logger.warning("Dropped attributes of type %s: not a mapping", type(attributes).__name__)
            return {}, 0
        _clean_entries(attributes, cleaned, max_length)
    except Exception:  # a mapping whose iteration raises
        logger.warning(
            "Dropped attributes of type %s: reading them failed", type(attributes).__name__
        )
    return cleaned, keep_newest_entries(cleaned, limit)


def _clean_entries(
    attributes: Any, cleaned: Dict[str, types.AttributeValue], max_length: Optional[int]
) -> None:
    """Add the valid entries of ``attributes`` to ``cleaned``."""
    for key, value in attributes.items():
        # Plain str keys and scalar values, the usual case, skip the calls.
        if not (type(key) is str and key):
            key = clean_attribute_key(key)
            if key is None:
                continue
        if type(value) not in SCALAR_TYPES:
            value = clean_attribute_value(value)
            if value is None:
                continue
        cleaned[key] = value
    if max_length is not None:
        # A second pass rather than a test per entry: most sources set no limit.
        for key, value in cleaned.items():
            cleaned[key] = truncate_attribute_value(value, max_length)
