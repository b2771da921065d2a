"""The resource interface: what produces the telemetry, as string labels.

The SDK's :class:`opentelemetry.sdk.resources.Resource` implements it; this
module lets instrumentation name the type without depending on the SDK, as
v0.3 code does.
"""

from __future__ import annotations

import abc

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional

__all__ = ["Resource"]


class Resource(abc.ABC):
    """An immutable set of labels describing the source of telemetry."""

    __slots__ = ()

    @staticmethod
    @abc.abstractmethod
    def create(labels: Dict[str, str]) -> "Resource":
        """A resource with ``labels``."""

    @property
    @abc.abstractmethod
    def labels(self) -> Dict[str, str]:
        """The labels, by key."""

    @abc.abstractmethod
    def merge(self, other: Optional["Resource"]) -> "Resource":
        """A resource with this one's labels and those of ``other`` it lacks."""
