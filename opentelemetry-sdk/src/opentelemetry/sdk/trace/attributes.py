"""Which attribute values a span accepts, and their stored form.

Valid values are ``str``, ``bool``, ``int``, ``float`` and homogeneous lists
or tuples of one of them (``int`` and ``float`` may mix). Sequences are stored
as new lists, so the caller changing theirs later does not change the span.
Anything else is dropped with a warning: bad input must never raise.
"""

import logging
from typing import Any, Dict, Mapping, Optional

from opentelemetry.util import types

__all__ = ["SCALAR_TYPES", "clean_attribute_value", "clean_attributes", "is_valid_key"]

logger = logging.getLogger(__name__)

# The exact scalar types, checked with ``type(v) in`` on the hot path.
SCALAR_TYPES = frozenset((str, bool, int, float))


def _sequence_kind(value: Any) -> Optional[type]:
    """The one scalar kind of a sequence's elements (``float`` for numbers)."""
    kind: Optional[type] = None
    for element in value:
        if isinstance(element, bool):
            element_kind: type = bool
        elif isinstance(element, (int, float)):
            element_kind = float
        elif isinstance(element, str):
            element_kind = str
        else:
            return None
        if kind is None:
            kind = element_kind
        elif kind is not element_kind:
            return None
    return kind or str


def clean_attribute_value(value: Any) -> Optional[types.AttributeValue]:
    """The value to store for ``value``, or ``None`` (logged) if invalid."""
    if type(value) in SCALAR_TYPES:
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (list, tuple)) and _sequence_kind(value) is not None:
        return list(value)
    logger.warning(
        "Dropped attribute value of type %s: values must be str, bool, int, "
        "float or a homogeneous list of one of them",
        type(value).__name__,
    )
    return None


def is_valid_key(key: Any) -> bool:
    """Whether ``key`` may name an attribute (a non-empty ``str``); logs if not."""
    if type(key) is str and key:
        return True
    logger.warning("Dropped attribute with invalid key %r: keys are non-empty str", key)
    return False


def clean_attributes(
    attributes: Any, limit: int
) -> "tuple[Dict[str, types.AttributeValue], int]":
    """The valid entries of ``attributes``, the last ``limit`` of them.

    Returns the new dict and how many valid entries the limit evicted.
    Invalid entries are logged and dropped.
    """
    if type(attributes) is not dict and not isinstance(attributes, Mapping):
        logger.warning("Dropped attributes %r: not a mapping", type(attributes).__name__)
        return {}, 0
    cleaned: Dict[str, types.AttributeValue] = {}
    for key, value in attributes.items():
        # The common valid case is checked inline: two calls per attribute
        # would double the cost of a span with attributes.
        if type(key) is not str or not key:
            is_valid_key(key)  # logs why the key is invalid
            continue
        if type(value) not in SCALAR_TYPES:
            value = clean_attribute_value(value)
            if value is None:
                continue
        cleaned[key] = value
    dropped = len(cleaned) - max(limit, 0)
    if dropped > 0:
        for key in list(cleaned)[:dropped]:
            del cleaned[key]
        return cleaned, dropped
    return cleaned, 0
