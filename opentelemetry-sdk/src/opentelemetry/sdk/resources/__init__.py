"""Resources: what produces the telemetry (a service, a host, a process).

Every span of a :class:`~opentelemetry.sdk.trace.TracerSource` carries that
source's resource, so exporters can tell backends where spans come from.
"""

from typing import Any, Dict, Mapping, Optional

__all__ = ["Resource"]


class Resource:
    """An immutable set of string labels describing the telemetry's source."""

    __slots__ = ("_labels",)

    def __init__(self, labels: Optional[Mapping[str, str]] = None) -> None:
        self._labels: Dict[str, str] = dict(labels) if labels else {}

    @staticmethod
    def create(labels: Optional[Mapping[str, str]]) -> "Resource":
        """A resource with ``labels``."""
        if not labels:
            return _EMPTY_RESOURCE
        return Resource(labels)

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

        This resource wins on a shared key unless its value is empty.
        """
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
