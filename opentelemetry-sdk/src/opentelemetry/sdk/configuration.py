"""The SDK's environment configuration: the standard ``OTEL_*`` variables, read once.

:func:`read_configuration` reads every variable the SDK knows (the
OpenTelemetry specification's "SDK environment variables") into one
immutable :class:`Configuration`. SDK objects call it when they are built,
never while spans are recorded, so changing the environment later changes
nothing already built. An empty variable counts as unset; a value that
cannot be used is logged as a warning and the default taken, so a typo never
stops the application. ``docs/configuration.rst`` lists every variable with
its default.
"""

from __future__ import annotations

import logging
import os
import sys

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Mapping, Optional, Tuple

__all__ = ["Configuration", "read_configuration"]

logger = logging.getLogger(__name__)

#: The samplers ``OTEL_TRACES_SAMPLER`` may name.
SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
#: The exporters ``OTEL_TRACES_EXPORTER`` and ``OTEL_METRICS_EXPORTER`` may name.
EXPORTERS = ("otlp", "console", "none")
#: The propagators ``OTEL_PROPAGATORS`` may name.
PROPAGATORS = ("tracecontext", "baggage", "b3", "b3multi", "none")

_TRUE = "true"
_FALSE = "false"


def _text(environ: Mapping[str, str], name: str) -> Optional[str]:
    """The variable's value without surrounding spaces; ``None`` when unset or empty."""
    value = environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _boolean(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = _text(environ, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered == _TRUE:
        return True
    if lowered == _FALSE:
        return False
    logger.warning("Ignored %s=%r: expected true or false; using %s", name, value, default)
    return default


def _integer(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A decimal integer of at least ``minimum``, else ``default`` (logged)."""
    value = _optional_integer(environ, name, minimum)
    return default if value is None else value


def _optional_integer(environ: Mapping[str, str], name: str, minimum: int) -> Optional[int]:
    """A decimal integer of at least ``minimum``; ``None`` (logged if set) otherwise."""
    value = _text(environ, name)
    if value is None:
        return None
    if value.isascii() and value.isdigit() and int(value) >= minimum:
        return int(value)
    logger.warning(
        "Ignored %s=%r: expected an integer of at least %d; using the default",
        name,
        value,
        minimum,
    )
    return None


def _choice(environ: Mapping[str, str], name: str, choices: Tuple[str, ...], default: str) -> str:
    value = _text(environ, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in choices:
        return lowered
    logger.warning(
        "Ignored %s=%r: expected one of %s; using %s", name, value, ", ".join(choices), default
    )
    return default


def _names(
    environ: Mapping[str, str], name: str, known: Tuple[str, ...], default: Tuple[str, ...]
) -> Tuple[str, ...]:
    """The known names of a comma-separated list, in order, without repeats.

    Unknown names are logged and skipped; ``none`` alone means none. A list
    with no known name at all gives ``default``.
    """
    value = _text(environ, name)
    if value is None:
        return default
    chosen = []
    for item in value.split(","):
        item = item.strip().lower()
        if not item:
            continue
        if item not in known:
            logger.warning("Ignored %r in %s: expected %s", item, name, ", ".join(known))
        elif item not in chosen:
            chosen.append(item)
    if not chosen:
        logger.warning("Ignored %s=%r: no known name; using %s", name, value, ",".join(default))
        return default
    if "none" in chosen:
        if len(chosen) > 1:
            logger.warning("%s=%r: 'none' with other names; using none", name, value)
        return ()
    return tuple(chosen)


def _ratio(environ: Mapping[str, str], sampler: str) -> float:
    """``OTEL_TRACES_SAMPLER_ARG`` for a ratio sampler: a number from 0 to 1, default 1."""
    value = _text(environ, "OTEL_TRACES_SAMPLER_ARG")
    if value is None or not sampler.endswith("traceidratio"):
        return 1.0
    try:
        ratio = float(value)
    except ValueError:
        ratio = -1.0
    if 0.0 <= ratio <= 1.0:  # NaN fails both comparisons
        return ratio
    logger.warning(
        "Ignored OTEL_TRACES_SAMPLER_ARG=%r: expected a number from 0 to 1; using 1.0", value
    )
    return 1.0


def _percent_decoded(text: str) -> Optional[str]:
    """``text`` with %XX escapes decoded as UTF-8; ``None`` if they are not valid."""
    if "%" not in text:
        return text
    import urllib.parse  # here: most configurations need no decoding, and import time counts

    try:
        return urllib.parse.unquote(text, errors="strict")
    except UnicodeDecodeError:
        return None


def _resource_attributes(environ: Mapping[str, str]) -> Dict[str, str]:
    """``OTEL_RESOURCE_ATTRIBUTES``: ``key1=value1,key2=value2``, percent-decoded.

    An entry without ``=``, with an empty key or with an invalid escape is
    logged and skipped; the others are kept. A later repeat of a key wins.
    """
    value = _text(environ, "OTEL_RESOURCE_ATTRIBUTES")
    attributes: Dict[str, str] = {}
    if value is None:
        return attributes
    for entry in value.split(","):
        if not entry.strip():
            continue
        raw_key, separator, raw_value = entry.partition("=")
        key = _percent_decoded(raw_key.strip())
        decoded_value = _percent_decoded(raw_value.strip())
        if not separator or not key or decoded_value is None:
            logger.warning(
                "Ignored OTEL_RESOURCE_ATTRIBUTES entry %r: expected key=value, "
                "percent-encoded",
                entry.strip(),
            )
            continue
        attributes[key] = decoded_value
    return attributes


class Configuration:
    """The SDK settings the environment chose, each valid (read-only).

    Build one with :func:`read_configuration`; the attributes are the
    values to use, defaults filled in.
    """

    __slots__ = (
        "sdk_disabled",
        "service_name",
        "resource_attributes",
        "traces_sampler",
        "traces_sampler_ratio",
        "bsp_schedule_delay_millis",
        "bsp_export_timeout_millis",
        "bsp_max_queue_size",
        "bsp_max_export_batch_size",
        "span_attribute_count_limit",
        "span_event_count_limit",
        "span_link_count_limit",
        "attribute_value_length_limit",
        "traces_exporter",
        "propagators",
        "metrics_exporter",
        "metric_export_interval_millis",
    )

    def __init__(self, environ: Mapping[str, str]) -> None:
        #: ``OTEL_SDK_DISABLED``: the SDK hands out the API's no-op tracers.
        self.sdk_disabled: bool = _boolean(environ, "OTEL_SDK_DISABLED", False)
        #: ``OTEL_SERVICE_NAME``, or ``None`` when unset.
        self.service_name: Optional[str] = _text(environ, "OTEL_SERVICE_NAME")
        #: ``OTEL_RESOURCE_ATTRIBUTES``, decoded.
        self.resource_attributes: Dict[str, str] = _resource_attributes(environ)
        #: ``OTEL_TRACES_SAMPLER``: one of :data:`SAMPLERS`. Unset, ``always_on``:
        #: v0.3's ``TracerSource`` samples every span, and v0.3 code relies on it.
        self.traces_sampler: str = _choice(environ, "OTEL_TRACES_SAMPLER", SAMPLERS, "always_on")
        #: ``OTEL_TRACES_SAMPLER_ARG`` for the ratio samplers (1.0 for the others).
        self.traces_sampler_ratio: float = _ratio(environ, self.traces_sampler)
        #: ``OTEL_BSP_SCHEDULE_DELAY`` in milliseconds.
        self.bsp_schedule_delay_millis: int = _integer(
            environ, "OTEL_BSP_SCHEDULE_DELAY", 5000, 1
        )
        #: ``OTEL_BSP_EXPORT_TIMEOUT`` in milliseconds.
        self.bsp_export_timeout_millis: int = _integer(
            environ, "OTEL_BSP_EXPORT_TIMEOUT", 30000, 1
        )
        #: ``OTEL_BSP_MAX_QUEUE_SIZE``.
        self.bsp_max_queue_size: int = _integer(
            environ, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1
        )
        batch_size: int = _integer(
            environ, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1
        )
        if batch_size > self.bsp_max_queue_size:
            logger.warning(
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=%d exceeds the queue size %d; using %d",
                batch_size,
                self.bsp_max_queue_size,
                self.bsp_max_queue_size,
            )
            batch_size = self.bsp_max_queue_size
        #: ``OTEL_BSP_MAX_EXPORT_BATCH_SIZE``, at most the queue size.
        self.bsp_max_export_batch_size: int = batch_size
        #: ``OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`` (v0.3's 32 by default).
        self.span_attribute_count_limit: int = _integer(
            environ, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", 32, 0
        )
        #: ``OTEL_SPAN_EVENT_COUNT_LIMIT`` (v0.3's 128 by default).
        self.span_event_count_limit: int = _integer(
            environ, "OTEL_SPAN_EVENT_COUNT_LIMIT", 128, 0
        )
        #: ``OTEL_SPAN_LINK_COUNT_LIMIT`` (v0.3's 32 by default).
        self.span_link_count_limit: int = _integer(
            environ, "OTEL_SPAN_LINK_COUNT_LIMIT", 32, 0
        )
        #: ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT``, or ``None``: no limit.
        self.attribute_value_length_limit: Optional[int] = _optional_integer(
            environ, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0
        )
        #: ``OTEL_TRACES_EXPORTER``: names from :data:`EXPORTERS`, ``()`` for none.
        self.traces_exporter: Tuple[str, ...] = _names(
            environ, "OTEL_TRACES_EXPORTER", EXPORTERS, ("otlp",)
        )
        #: ``OTEL_PROPAGATORS``: names from :data:`PROPAGATORS`, ``()`` for none.
        self.propagators: Tuple[str, ...] = _names(
            environ, "OTEL_PROPAGATORS", PROPAGATORS, ("tracecontext", "baggage")
        )
        #: ``OTEL_METRICS_EXPORTER``: names from :data:`EXPORTERS`, ``()`` for none.
        self.metrics_exporter: Tuple[str, ...] = _names(
            environ, "OTEL_METRICS_EXPORTER", EXPORTERS, ("otlp",)
        )
        #: ``OTEL_METRIC_EXPORT_INTERVAL`` in milliseconds: how often metrics are pushed.
        self.metric_export_interval_millis: int = _integer(
            environ, "OTEL_METRIC_EXPORT_INTERVAL", 60000, 1
        )

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError("Configuration is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return "Configuration({})".format(
            ", ".join("{}={!r}".format(name, getattr(self, name)) for name in self.__slots__)
        )


def read_configuration(environ: Optional[Mapping[str, str]] = None) -> Configuration:
    """The configuration ``environ`` (default: :data:`os.environ`) describes.

    With ``python -E`` the environment is ignored and every default used,
    as the API's loader does.
    """
    if environ is None:
        environ = {} if sys.flags.ignore_environment else os.environ
    return Configuration(environ)
