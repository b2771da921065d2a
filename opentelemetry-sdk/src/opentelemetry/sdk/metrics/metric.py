"""The SDK's metrics: a series per label set, each updated through its handle."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Sequence, Type, Union

from opentelemetry import metrics as metrics_api

from opentelemetry.util._error_handler import report_failure
from .export.aggregate import CounterAggregator
from .handles import BaseHandle, CounterHandle, GaugeHandle, MeasureHandle
from .label_set import LabelSet

if TYPE_CHECKING:
    from .meter import Meter

__all__ = ["Counter", "Gauge", "Measure", "Metric"]

logger = logging.getLogger(__name__)

_Value = Union[int, float]


def _ignore_update(x: Any, y: Any) -> None:
    """The base metric's update: there is no kind of update to make."""


class Metric(metrics_api.Metric):
    """A metric of the SDK: one handle, and so one aggregator, per label set.

    Handles are created on first use of a label set and kept: equal label
    sets give the same handle. A label set with a key outside ``label_keys``
    (when ``label_keys`` is not empty), or one not made by the SDK, is
    logged and its measurements dropped.
    """

    #: The class of this metric's handles.
    HANDLE_TYPE: Type[BaseHandle] = BaseHandle
    #: What :meth:`Meter.record_batch <opentelemetry.sdk.metrics.Meter.record_batch>`
    #: calls, as ``metric.UPDATE_FUNCTION(value, label_set)``.
    UPDATE_FUNCTION: Any = staticmethod(_ignore_update)

    def __init__(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        meter: Meter,
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = True,
    ) -> None:
        self.name = name
        self.description = description
        self.unit = unit
        self.value_type = value_type
        self.meter = meter
        self.label_keys = label_keys
        self.enabled = enabled
        self.monotonic = monotonic
        self.absolute = absolute
        self._allowed_keys: FrozenSet[str] = frozenset(label_keys)
        # By the label set's key (a str); see _handle_for.
        self._handles: Dict[str, BaseHandle] = {}

    @property
    def handles(self) -> Dict[LabelSet, BaseHandle]:
        """A copy of the handles made so far, by label set."""
        return {handle._label_set: handle for handle in tuple(self._handles.values())}

    def get_handle(self, label_set: metrics_api.LabelSet) -> BaseHandle:
        """The handle of the series for ``label_set``, made on first use."""
        try:
            return self._handles[label_set._key]  # type: ignore[attr-defined]
        except (KeyError, AttributeError):
            return self._handle_for(label_set)

    def _handle_for(self, label_set: Any) -> BaseHandle:
        """The slow path of :meth:`get_handle`: check the label set, make the handle."""
        if not isinstance(label_set, LabelSet):
            report_failure(
                logger,
                "Dropped measurements for metric %r: %r is not a label set from the SDK's meter",
                self.name,
                label_set,
            )
            return self._dropping_handle()
        if self._allowed_keys:
            unknown = [key for key, _ in label_set.labels if key not in self._allowed_keys]
            if unknown:
                report_failure(
                    logger,
                    "Dropped measurements for metric %r: "
                    "label keys %s are not among its label keys %s",
                    self.name,
                    unknown,
                    sorted(self._allowed_keys),
                )
                return self._dropping_handle()
        handle = self.HANDLE_TYPE(
            self.value_type,
            self.enabled,
            self.monotonic,
            self.absolute,
            self.meter.batcher.aggregator_for(type(self)),
        )
        handle._name = self.name
        handle._label_set = label_set
        # setdefault is atomic for a str key: two threads making the first
        # handle of a series at once both get the one stored, so no update
        # goes to a handle that is never collected.
        return self._handles.setdefault(label_set._key, handle)

    def _dropping_handle(self) -> BaseHandle:
        """A handle that drops every update, and is never collected."""
        return self.HANDLE_TYPE(
            self.value_type, False, self.monotonic, self.absolute, CounterAggregator()
        )

    def __repr__(self) -> str:
        return '{}(name="{}", description="{}")'.format(
            type(self).__name__, self.name, self.description
        )


# get_handle returns the SDK handle, a subclass of the API's: mypy cannot see it.
class Counter(Metric, metrics_api.Counter):  # type: ignore[misc]
    """A metric whose values are added up, per label set.

    Monotonic by default when made directly (as in v0.3); note that
    :meth:`Meter.create_metric <opentelemetry.sdk.metrics.Meter.create_metric>`
    passes its own default, ``monotonic=False``.
    """

    HANDLE_TYPE = CounterHandle

    def __init__(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        meter: Meter,
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = True,
        absolute: bool = False,
    ) -> None:
        super().__init__(
            name, description, unit, value_type, meter, label_keys, enabled, monotonic, absolute
        )

    def add(self, value: _Value, label_set: LabelSet) -> None:  # type: ignore[override]
        """Add ``value`` to the series for ``label_set``."""
        # get_handle inlined: this is the hot path.
        try:
            handle = self._handles[label_set._key]
        except (KeyError, AttributeError):
            handle = self._handle_for(label_set)
        handle.add(value)  # type: ignore[attr-defined]

    UPDATE_FUNCTION = add


# get_handle returns the SDK handle, a subclass of the API's: mypy cannot see it.
class Gauge(Metric, metrics_api.Gauge):  # type: ignore[misc]
    """A metric whose last value counts, per label set."""

    HANDLE_TYPE = GaugeHandle

    def __init__(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        meter: Meter,
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = False,
    ) -> None:
        super().__init__(
            name, description, unit, value_type, meter, label_keys, enabled, monotonic, absolute
        )

    def set(self, value: _Value, label_set: LabelSet) -> None:  # type: ignore[override]
        """Set the series for ``label_set`` to ``value``."""
        try:
            handle = self._handles[label_set._key]
        except (KeyError, AttributeError):
            handle = self._handle_for(label_set)
        handle.set(value)  # type: ignore[attr-defined]

    UPDATE_FUNCTION = set


# get_handle returns the SDK handle, a subclass of the API's: mypy cannot see it.
class Measure(Metric, metrics_api.Measure):  # type: ignore[misc]
    """A metric whose values' distribution counts, per label set."""

    HANDLE_TYPE = MeasureHandle

    def __init__(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        meter: Meter,
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = True,
    ) -> None:
        super().__init__(
            name, description, unit, value_type, meter, label_keys, enabled, monotonic, absolute
        )

    def record(self, value: _Value, label_set: LabelSet) -> None:  # type: ignore[override]
        """Record ``value`` in the series for ``label_set``."""
        try:
            handle = self._handles[label_set._key]
        except (KeyError, AttributeError):
            handle = self._handle_for(label_set)
        handle.record(value)  # type: ignore[attr-defined]

    UPDATE_FUNCTION = record
