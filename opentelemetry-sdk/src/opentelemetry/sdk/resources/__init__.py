"""Resources: what produces the telemetry (a service, a host, a process).

Every span of a :class:`~opentelemetry.sdk.trace.TracerSource` carries that
source's resource, so exporters can tell backends where spans come from. A
tracer source's resource always includes :func:`get_default_resource`: the
service's name (``OTEL_SERVICE_NAME``, else ``unknown_service:<executable>``),
the SDK's own ``telemetry.sdk.*`` labels and ``OTEL_RESOURCE_ATTRIBUTES``;
labels the application gives explicitly win over them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from opentelemetry import resources as resources_api

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

    from ..configuration import Configuration

__all__ = [
    "Resource",
    "SERVICE_NAME",
    "TELEMETRY_SDK_LANGUAGE",
    "TELEMETRY_SDK_NAME",
    "TELEMETRY_SDK_VERSION",
    "get_default_resource",
]

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


class Resource(resources_api.Resource):
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

    def merge(self, other: Optional[resources_api.Resource]) -> "Resource":
        """A resource with this one's labels and those of ``other`` it lacks.

        This resource wins on a shared key unless its value is empty.
        ``None`` merges nothing, as in v0.3; any other ``other`` that is not
        a resource is logged and this one returned.
        """
        if other is None:
            return self
        if not isinstance(other, resources_api.Resource):
            logger.warning("Cannot merge %r into a Resource: not a Resource", other)
            return self
        merged = self._labels.copy()
        for key, value in other.labels.items():
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


#: The resource label that names the service (the semantic conventions' ``service.name``).
SERVICE_NAME = "service.name"
#: The label naming the telemetry SDK.
TELEMETRY_SDK_NAME = "telemetry.sdk.name"
#: The label naming the SDK's language.
TELEMETRY_SDK_LANGUAGE = "telemetry.sdk.language"
#: The label giving the SDK's version.
TELEMETRY_SDK_VERSION = "telemetry.sdk.version"


_sdk_version_found: Optional[str] = None


def _sdk_version() -> str:
    """This SDK's installed version, or ``"unknown"`` when it is not installed."""
    global _sdk_version_found  # pylint: disable=global-statement
    if _sdk_version_found is None:
        # Imported and looked up once: the lookup scans sys.path, and only
        # building a default resource needs it.
        from importlib import metadata

        try:
            _sdk_version_found = metadata.version("opentelemetry-sdk")
        except Exception:  # not installed (run from a source tree): still a valid resource
            _sdk_version_found = "unknown"
    return _sdk_version_found


def _executable_name() -> str:
    """The running program's name, as ``unknown_service:`` ends in the spec."""
    name = os.path.basename(sys.executable or "") or os.path.basename(sys.argv[0] or "")
    return name or "python"


def get_default_resource(configuration: Optional[Configuration] = None) -> Resource:
    """The resource every tracer source starts from.

    ``service.name`` is ``OTEL_SERVICE_NAME``, else ``OTEL_RESOURCE_ATTRIBUTES``'
    ``service.name``, else ``unknown_service:<executable name>`` (e.g.
    ``unknown_service:python3``), so backends never file spans under an empty
    name. The ``telemetry.sdk.*`` labels say which SDK produced the spans,
    and the other ``OTEL_RESOURCE_ATTRIBUTES`` entries are added.
    ``configuration`` defaults to :func:`~opentelemetry.sdk.configuration.read_configuration`.

    .. versionadded:: 0.3
    """
    if configuration is None:
        from ..configuration import read_configuration

        configuration = read_configuration()
    labels = {
        TELEMETRY_SDK_NAME: "opentelemetry",
        TELEMETRY_SDK_LANGUAGE: "python",
        TELEMETRY_SDK_VERSION: _sdk_version(),
    }
    labels.update(configuration.resource_attributes)
    if configuration.service_name is not None:
        labels[SERVICE_NAME] = configuration.service_name
    elif not labels.get(SERVICE_NAME):
        labels[SERVICE_NAME] = "unknown_service:" + _executable_name()
    return Resource(labels)
