"""Resources: what produces the telemetry (a service, a host, a process).

Every span of a :class:`~opentelemetry.sdk.trace.TracerSource` carries that
source's resource, so exporters can tell backends where spans come from.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

__all__ = ["Resource"]

logger = logging.getLogger(__name__)


def _plain_str(value: Any) -> Optional[str]:
    """``value`` as a plain ``str``, or ``None``; a proxy posing as one may raise."""
    try:
        return str.__str__(value) if isinstance(value, str) else None
    except Exception:  # not really a str
        return None


def _clean_labels(labels: Any) -> Dict[str, str]:
    """The ``str`` to ``str`` entries of ``labels``; anything else is logged and dropped.

    Never raises: a mapping whose reading fails keeps the labels read before.
    """
    cleaned: Dict[str, str] = {}
    try:
        if not isinstance(labels, Mapping):
            logger.warning("Dropped resource labels of type %s: not a mapping", type(labels).__name__)
            return cleaned
        for key, value in labels.items():
            plain_key, plain_value = _plain_str(key), _plain_str(value)
            if plain_key is None or plain_value is None:
                logger.warning(
                    "Dropped resource label of types %s=%s: labels are str to str",
                    type(key).__name__,
                    type(value).__name__,
                )
            else:
                cleaned[plain_key] = plain_value
    except Exception:  # a mapping whose reading raises
        logger.warning("Reading resource labels of type %s failed", type(labels).__name__)
    return cleaned


class Resource:
    """An immutable set of string labels describing the telemetry's source.

    Labels map ``str`` to ``str``; other entries are logged and dropped.
    """

    __slots__ = ("_labels",)

    def __init__(self, labels: Optional[Mapping[str, str]] = None) -> None:
        self._labels: Dict[str, str] = {} if labels is None else _clean_labels(labels)

    @staticmethod
    def create(labels: Optional[Mapping[str, str]]) -> "Resource":
        """A resource with ``labels``."""
        resource = Resource(labels)
        return resource if resource._labels else _EMPTY_RESOURCE

    @staticmethod
    def create_empty() -> "Resource":
        """The resource with no labels, shared."""
        return _EMPTY_RESOURCE

    @property
    def labels(self) -> Dict[str, str]:
        """A copy of the labels."""
        return self._labels.copy()

    def merge(self, other: "Resource") -> "Resource":
        """A resource with this one's labels and those of ``other`` it lacks.

        This resource wins on a shared key unless its value is empty. An
        ``other`` that is not a resource is logged and this one returned.
        """
        if not isinstance(other, Resource):
            logger.warning("Cannot merge %r into a Resource: not a Resource", other)
            return self
        merged = self._labels.copy()
        for key, value in other._labels.items():
            if key not in merged or merged[key] == "":
                merged[key] = value
        return Resource(merged)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return self._labels == other._labels

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._labels.items())))

    def __repr__(self) -> str:
        return "Resource({!r})".format(self._labels)


_EMPTY_RESOURCE = Resource()
