"""Handles: a metric bound to one label set, the cheap way to update a series.

The update methods are the hot path. The usual call (a value of the metric's
exact type, in range) is checked by one inline comparison and goes straight
to the aggregator; everything else takes the slow path, which accepts what
it can (an ``int`` for a ``float`` metric) and logs and drops the rest.
"""

from __future__ import annotations

import logging
import math
import sys
from typing import Any, Optional, Type, Union

from opentelemetry import metrics as metrics_api

from opentelemetry.util._error_handler import report_exception, report_failure
from .export.aggregate import Aggregator
from .label_set import EMPTY_LABEL_SET, LabelSet

__all__ = ["BaseHandle", "CounterHandle", "GaugeHandle", "MeasureHandle"]

logger = logging.getLogger(__name__)

_INFINITY = float("inf")
_LOWEST_FINITE = -sys.float_info.max
_Value = Union[int, float]


class BaseHandle:
    """Updates the aggregator of one series, after v0.3's checks.

    :param value_type: ``int`` or ``float``: the type values must have.
    :param enabled: ``False`` drops every update, silently.
    :param monotonic: Counters and gauges: reject values that go down.
    :param absolute: Measures: reject negative values.
    :param aggregator: Where accepted values go.
    """

    __slots__ = (
        "value_type",
        "enabled",
        "monotonic",
        "absolute",
        "aggregator",
        "_exact_type",
        "_low",
        "_update",
        "_name",
        "_label_set",
    )

    # The smallest value the inline check of the hot path accepts.
    _LOW_IF_CHECKED = 0

    def __init__(
        self,
        value_type: Type[_Value],
        enabled: bool,
        monotonic: bool,
        absolute: bool,
        aggregator: Aggregator,
    ) -> None:
        self.value_type = value_type
        self.enabled = enabled
        self.monotonic = monotonic
        self.absolute = absolute
        self.aggregator = aggregator
        # The hot path's inline check: only this exact type (None when
        # disabled, so every call takes the slow path and is dropped), and
        # no value below _low (at most the lowest finite float, so that -inf
        # takes the slow path and is dropped).
        self._exact_type: Optional[type] = value_type if enabled else None
        self._low: _Value = self._LOW_IF_CHECKED if self._checks_sign() else _LOWEST_FINITE
        # The bound method, looked up once instead of at each update.
        self._update = aggregator.update
        # The metric that makes the handle names it and gives its label set.
        self._name = ""
        self._label_set: LabelSet = EMPTY_LABEL_SET

    def _checks_sign(self) -> bool:
        """Whether negative values need the slow path's check."""
        return False

    def update(self, value: _Value) -> None:
        """Hand ``value`` to the aggregator, without the checks."""
        self._update(value)

    def _checked(self, value: Any) -> Optional[_Value]:
        """``value`` as the metric's type, or ``None`` (logged) if it cannot be taken."""
        if not self.enabled:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            report_failure(
                logger,
                "Dropped %r for metric %r: not of type %s",
                value,
                self._name,
                getattr(self.value_type, "__name__", self.value_type),
            )
            return None
        try:
            if self.value_type is int:
                if not isinstance(value, int):
                    report_failure(
                        logger, "Dropped %r for metric %r: not an int", value, self._name
                    )
                    return None
                return int(value)  # a plain int, not an IntEnum or other subclass
            converted = float(value)
        except OverflowError:
            converted = _INFINITY
        except Exception:  # a proxy whose conversion raises must not reach the application
            report_exception(
                logger, "Dropped a value for metric %r: converting it failed", self._name
            )
            return None
        if not math.isfinite(converted):
            report_failure(
                logger, "Dropped %r for metric %r: not a finite number", value, self._name
            )
            return None
        return converted

    def _update_checked(self, value: Any, negative_refused: str) -> None:
        """The slow path of ``add`` and ``record``: ``value`` converted and checked, then taken.

        A value that cannot be taken is logged and dropped; so is a negative
        one where :meth:`_checks_sign` says so, with the log line
        ``negative_refused`` (a template of the value and the metric's name).
        """
        checked = self._checked(value)
        if checked is None:
            return
        if self._checks_sign() and checked < 0:
            report_failure(logger, negative_refused, value, self._name)
            return
        self._update(checked)

    def __repr__(self) -> str:
        return "{}(data={!r}, labels={!r})".format(
            type(self).__name__,
            self.aggregator.current,
            self._label_set.labels,
        )


class CounterHandle(metrics_api.CounterHandle, BaseHandle):
    """Adds to one series of a counter."""

    __slots__ = ()

    def _checks_sign(self) -> bool:
        return self.monotonic

    def add(self, value: _Value) -> None:
        """Add ``value``; a negative value on a monotonic counter is logged and dropped."""
        # The usual call, checked inline: exact type, finite (NaN fails every
        # comparison, -inf is below _low), not negative when monotonic.
        if type(value) is self._exact_type and self._low <= value < _INFINITY:
            self._update(value)
            return
        self._update_checked(value, "Dropped %r for metric %r: a monotonic counter cannot go down")


class GaugeHandle(metrics_api.GaugeHandle, BaseHandle):
    """Sets one series of a gauge."""

    __slots__ = ()

    def __init__(
        self,
        value_type: Type[_Value],
        enabled: bool,
        monotonic: bool,
        absolute: bool,
        aggregator: Aggregator,
    ) -> None:
        super().__init__(value_type, enabled, monotonic, absolute, aggregator)
        if monotonic:  # the comparison with the last value is the slow path's
            self._exact_type = None

    def set(self, value: _Value) -> None:
        """Set the value; one lower than the last on a monotonic gauge is logged and dropped."""
        if type(value) is self._exact_type and -_INFINITY < value < _INFINITY:
            self._update(value)
            return
        checked = self._checked(value)
        if checked is None:
            return
        if self.monotonic:
            update_if_not_below = getattr(self.aggregator, "update_if_not_below", None)
            if update_if_not_below is not None:
                accepted = update_if_not_below(checked)  # compared and set under one lock
            else:
                last = self.aggregator.current
                accepted = last is None or checked >= last
                if accepted:
                    self._update(checked)
            if not accepted:
                report_failure(
                    logger,
                    "Dropped %r for metric %r: a monotonic gauge cannot go down",
                    value,
                    self._name,
                )
            return
        self._update(checked)


class MeasureHandle(metrics_api.MeasureHandle, BaseHandle):
    """Records values in one series of a measure."""

    __slots__ = ()

    def _checks_sign(self) -> bool:
        return self.absolute

    def record(self, value: _Value) -> None:
        """Record ``value``; a negative value on an absolute measure is logged and dropped."""
        if type(value) is self._exact_type and self._low <= value < _INFINITY:
            self._update(value)
            return
        self._update_checked(
            value, "Dropped %r for metric %r: an absolute measure cannot be negative"
        )
