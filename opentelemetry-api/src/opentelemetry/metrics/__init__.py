"""The metrics API: counters, gauges and measures, no-op unless an SDK is chosen.

A library records measurements through the :class:`Meter` from :func:`meter`::

    from opentelemetry import metrics

    meter = metrics.meter()
    requests = meter.create_metric(
        "requests", "requests served", "1", int, metrics.Counter, ("route",)
    )
    label_set = meter.get_label_set({"route": "/home"})
    requests.add(1, label_set)                  # or, cheaper when repeated:
    requests.get_handle(label_set).add(1)

With no implementation configured every call is a cheap no-op. An
application chooses the implementation, usually the SDK's ``Meter``, with
:func:`set_preferred_meter_implementation` or the environment variable
``OPENTELEMETRY_PYTHON_IMPLEMENTATION_METER`` (then
``OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT``), by the rules of
:mod:`opentelemetry.util.loader`.

The three kinds of metric, as in v0.3:

* :class:`Counter`: a value that is added to (requests served, bytes sent);
* :class:`Gauge`: a value that is set (queue length, temperature);
* :class:`Measure`: individual values whose distribution matters (latencies).

Measurements carry a :class:`LabelSet`, the labels that tell series apart;
a handle binds a metric to one label set so repeated updates skip the lookup.

.. versionadded:: 0.3
"""

from __future__ import annotations

import abc
import threading

from ..util import loader

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Optional, Sequence, Tuple, Type, TypeVar, Union

    #: The types a metric's values may have.
    ValueT = TypeVar("ValueT", int, float)
    #: The metric classes :meth:`Meter.create_metric` accepts.
    MetricT = TypeVar("MetricT", "Counter", "Gauge", "Measure")
    #: Builds the meter; called once with :class:`Meter`.
    MeterFactory = Callable[[Type["Meter"]], Optional["Meter"]]
    _Value = Union[int, float]
else:

    def __getattr__(name: str) -> object:
        # The public type aliases need typing, which is slow to import: they
        # are built on first use and kept.
        from typing import Callable, Optional, Type, TypeVar

        if name == "ValueT":
            alias: object = TypeVar("ValueT", int, float)
        elif name == "MetricT":
            alias = TypeVar("MetricT", Counter, Gauge, Measure)
        elif name == "MeterFactory":
            alias = Callable[[Type[Meter]], Optional[Meter]]
        else:
            raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
        globals()[name] = alias
        return alias


__all__ = [
    "Counter",
    "CounterHandle",
    "DefaultLabelSet",
    "DefaultMeter",
    "DefaultMetric",
    "DefaultMetricHandle",
    "Gauge",
    "GaugeHandle",
    "LabelSet",
    "Measure",
    "MeasureHandle",
    "Meter",
    "MeterFactory",
    "Metric",
    "MetricT",
    "ValueT",
    "meter",
    "set_preferred_meter_implementation",
]


class DefaultMetricHandle:
    """The no-op handle: every update does nothing."""

    __slots__ = ()

    def add(self, value: _Value) -> None:
        """Does nothing: there is no SDK to count with."""

    def set(self, value: _Value) -> None:
        """Does nothing: there is no SDK to keep the value."""

    def record(self, value: _Value) -> None:
        """Does nothing: there is no SDK to aggregate with."""


class CounterHandle:
    """A counter bound to one label set: :meth:`add` skips the label set lookup."""

    __slots__ = ()

    def add(self, value: _Value) -> None:
        """Add ``value`` to the counter's series for the bound label set."""


class GaugeHandle:
    """A gauge bound to one label set."""

    __slots__ = ()

    def set(self, value: _Value) -> None:
        """Set the gauge's series for the bound label set to ``value``."""


class MeasureHandle:
    """A measure bound to one label set."""

    __slots__ = ()

    def record(self, value: _Value) -> None:
        """Record ``value`` in the measure's series for the bound label set."""


class LabelSet(abc.ABC):
    """The labels of a measurement, in a form the implementation can look up fast.

    Get one from :meth:`Meter.get_label_set`; an implementation may hand out
    the same object for equal labels.
    """

    __slots__ = ()


class DefaultLabelSet(LabelSet):
    """The no-op label set: it holds no labels."""

    __slots__ = ()


class Metric(abc.ABC):
    """A named series of measurements, one per label set."""

    __slots__ = ()

    @abc.abstractmethod
    def get_handle(self, label_set: LabelSet) -> object:
        """The handle that updates this metric's series for ``label_set``."""


_NOOP_HANDLE = DefaultMetricHandle()


class DefaultMetric(Metric):
    """The no-op metric: it answers every kind of update and keeps nothing."""

    __slots__ = ()

    def get_handle(self, label_set: LabelSet) -> DefaultMetricHandle:
        """The shared no-op handle."""
        return _NOOP_HANDLE

    def add(self, value: _Value, label_set: LabelSet) -> None:
        """Does nothing."""

    def set(self, value: _Value, label_set: LabelSet) -> None:
        """Does nothing."""

    def record(self, value: _Value, label_set: LabelSet) -> None:
        """Does nothing."""


_NOOP_COUNTER_HANDLE = CounterHandle()
_NOOP_GAUGE_HANDLE = GaugeHandle()
_NOOP_MEASURE_HANDLE = MeasureHandle()


class Counter(Metric):
    """A metric whose values are added up: requests served, bytes sent.

    This base is a no-op; the SDK's counter sums the values per label set.
    """

    __slots__ = ()

    def get_handle(self, label_set: LabelSet) -> CounterHandle:
        """The handle for ``label_set``: a no-op here."""
        return _NOOP_COUNTER_HANDLE

    def add(self, value: _Value, label_set: LabelSet) -> None:
        """Add ``value`` to the series for ``label_set``."""


class Gauge(Metric):
    """A metric whose value is set, and the last value counts: queue length, memory in use.

    This base is a no-op; the SDK's gauge keeps the last value per label set.
    """

    __slots__ = ()

    def get_handle(self, label_set: LabelSet) -> GaugeHandle:
        """The handle for ``label_set``: a no-op here."""
        return _NOOP_GAUGE_HANDLE

    def set(self, value: _Value, label_set: LabelSet) -> None:
        """Set the series for ``label_set`` to ``value``."""


class Measure(Metric):
    """A metric of individual values whose distribution counts: latencies, sizes.

    This base is a no-op; the SDK's measure keeps the count, sum, minimum and
    maximum per label set.
    """

    __slots__ = ()

    def get_handle(self, label_set: LabelSet) -> MeasureHandle:
        """The handle for ``label_set``: a no-op here."""
        return _NOOP_MEASURE_HANDLE

    def record(self, value: _Value, label_set: LabelSet) -> None:
        """Record ``value`` in the series for ``label_set``."""


class Meter(abc.ABC):
    """Creates metrics and label sets, and records several measurements at once."""

    __slots__ = ()

    @abc.abstractmethod
    def record_batch(
        self,
        label_set: LabelSet,
        record_tuples: Sequence[Tuple[Metric, _Value]],
    ) -> None:
        """Record each ``(metric, value)`` pair with ``label_set``.

        Each metric is updated the way its kind is (a counter added to, a
        gauge set, a measure recorded).
        """

    @abc.abstractmethod
    def create_metric(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        metric_type: Type[MetricT],
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = True,
    ) -> Metric:
        """Create a metric of class ``metric_type`` (:class:`Counter`, :class:`Gauge`, :class:`Measure`).

        :param name: The metric's name, such as ``"http.server.requests"``.
        :param description: What it measures, for people reading a dashboard.
        :param unit: Its unit, in the UCUM form (``"1"``, ``"ms"``, ``"By"``).
        :param value_type: ``int`` or ``float``: the type of every value.
        :param metric_type: The kind of metric.
        :param label_keys: The label keys its label sets may use.
        :param enabled: ``False`` makes every update a no-op.
        :param monotonic: A counter that only goes up, or a gauge that only
            goes up: a value that would make it go down is rejected.
        :param absolute: A measure of values that are never negative: a
            negative value is rejected.
        """

    @abc.abstractmethod
    def get_label_set(self, labels: Dict[str, str]) -> LabelSet:
        """The label set for ``labels`` (label keys to values)."""


_DEFAULT_LABEL_SET = DefaultLabelSet()


class DefaultMeter(Meter):
    """The no-op meter: its metrics and label sets keep nothing."""

    __slots__ = ()

    def record_batch(
        self,
        label_set: LabelSet,
        record_tuples: Sequence[Tuple[Metric, _Value]],
    ) -> None:
        """Does nothing."""

    def create_metric(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        metric_type: Type[MetricT],
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = True,
    ) -> Metric:
        """A :class:`DefaultMetric`, which answers every kind of update."""
        return _DEFAULT_METRIC

    def get_label_set(self, labels: Dict[str, str]) -> LabelSet:
        """The shared :class:`DefaultLabelSet`."""
        return _DEFAULT_LABEL_SET


_DEFAULT_METRIC = DefaultMetric()

_METER: Optional[Meter] = None
_METER_FACTORY: Optional[MeterFactory] = None
_LOCK = threading.Lock()


def meter() -> Meter:
    """The process's meter, resolved on first use and kept."""
    global _METER  # pylint: disable=global-statement
    found = _METER
    if found is None:
        with _LOCK:
            if _METER is None:
                # A factory returning None (allowed in v0.3) is logged and the no-op used.
                _METER = loader.load_implementation(
                    Meter,  # type: ignore[type-abstract]
                    _METER_FACTORY,  # type: ignore[arg-type]
                    DefaultMeter,
                )
            found = _METER
    return found


def set_preferred_meter_implementation(factory: MeterFactory) -> None:
    """Choose the factory that builds the meter.

    Call it at start-up, before anything asks for the meter: once the meter
    is resolved it cannot change, and a late call raises :exc:`RuntimeError`
    so the mistake shows at once instead of measurements silently going
    nowhere. The environment variables win over this preference.
    """
    global _METER_FACTORY  # pylint: disable=global-statement
    with _LOCK:
        if _METER is not None:
            raise RuntimeError(
                "The Meter is already in use; set the preferred implementation "
                "before the first meter()"
            )
        _METER_FACTORY = factory
