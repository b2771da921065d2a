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
import logging

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
        """Create a metric of the kind ``metric_type`` names (:class:`Counter`, ...).

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

logger = logging.getLogger(__name__)

_METER: Optional[Meter] = None
_METER_FACTORY: Optional[MeterFactory] = None
_LOAD_ONCE = loader._LoadOnce()


def _loaded_meter() -> Optional[Meter]:
    return _METER


def _load_meter() -> Meter:
    global _METER  # pylint: disable=global-statement
    # A factory returning None (allowed in v0.3) is logged and the no-op used.
    found = loader.load_implementation(
        Meter,  # type: ignore[type-abstract]
        _METER_FACTORY,  # type: ignore[arg-type]
        DefaultMeter,
    )
    _METER = found
    return found


class _LabelSetWhileLoading(LabelSet):
    """A label set handed out while the meter loads: the real one's labels, resolved later."""

    __slots__ = ("_labels", "_real")

    def __init__(self, labels: Dict[str, str]) -> None:
        self._labels = labels
        self._real: Optional[LabelSet] = None

    def resolved(self, meter: Meter) -> LabelSet:
        if self._real is None:
            self._real = meter.get_label_set(self._labels)
        return self._real


def _resolved(label_set: LabelSet, meter: Meter) -> LabelSet:
    if isinstance(label_set, _LabelSetWhileLoading):
        return label_set.resolved(meter)
    return label_set


class _MetricWhileLoading(DefaultMetric):
    """A metric made while the meter loads: a no-op until it exists, the real metric after.

    Measurements made before the implementation is there are dropped; the
    real metric is made on the first use after.
    """

    __slots__ = ("_arguments", "_keywords", "_real")

    def __init__(self, arguments: Tuple[object, ...], keywords: Dict[str, object]) -> None:
        self._arguments = arguments
        self._keywords = keywords
        self._real: Optional[Metric] = None

    def delegate(self) -> Optional[Tuple[Metric, Meter]]:
        meter = _METER
        if meter is None:
            return None
        if self._real is None:
            self._real = meter.create_metric(*self._arguments, **self._keywords)  # type: ignore[arg-type]
        return self._real, meter

    def get_handle(self, label_set: LabelSet) -> DefaultMetricHandle:
        return _HandleWhileLoading(self, label_set)

    def add(self, value: _Value, label_set: LabelSet) -> None:
        self._update("add", value, label_set)

    def set(self, value: _Value, label_set: LabelSet) -> None:
        self._update("set", value, label_set)

    def record(self, value: _Value, label_set: LabelSet) -> None:
        self._update("record", value, label_set)

    def _update(self, kind: str, value: _Value, label_set: LabelSet) -> None:
        found = self.delegate()
        if found is not None:
            metric, meter = found
            update = getattr(metric, kind, None)  # a counter has no set(): the API's rule
            if update is not None:
                update(value, _resolved(label_set, meter))


class _HandleWhileLoading(DefaultMetricHandle):
    """A handle of a :class:`_MetricWhileLoading`: the real metric's handle once there is one."""

    __slots__ = ("_metric", "_label_set", "_real")

    def __init__(self, metric: _MetricWhileLoading, label_set: LabelSet) -> None:
        self._metric = metric
        self._label_set = label_set
        self._real: object = None

    def _update(self, kind: str, value: _Value) -> None:
        if self._real is None:
            found = self._metric.delegate()
            if found is None:
                return
            metric, meter = found
            self._real = metric.get_handle(_resolved(self._label_set, meter))
        update = getattr(self._real, kind, None)
        if update is not None:
            update(value)

    def add(self, value: _Value) -> None:
        self._update("add", value)

    def set(self, value: _Value) -> None:
        self._update("set", value)

    def record(self, value: _Value) -> None:
        self._update("record", value)


class _MeterWhileLoading(Meter):
    """What :func:`meter` returns to the thread that is loading the meter.

    The implementation's own module or factory may ask for the meter (an
    instrumented module does at import time) before it exists; what this
    hands out follows the real meter once it does.
    """

    __slots__ = ()

    def record_batch(
        self,
        label_set: LabelSet,
        record_tuples: Sequence[Tuple[Metric, _Value]],
    ) -> None:
        meter = _METER
        if meter is None:
            return
        pairs = []
        for metric, value in record_tuples:
            if isinstance(metric, _MetricWhileLoading):
                found = metric.delegate()
                if found is None:
                    continue
                metric = found[0]
            pairs.append((metric, value))
        meter.record_batch(_resolved(label_set, meter), pairs)

    def create_metric(self, *arguments: object, **keywords: object) -> Metric:
        return _MetricWhileLoading(arguments, keywords)

    def get_label_set(self, labels: Dict[str, str]) -> LabelSet:
        return _LabelSetWhileLoading(labels)


_METER_WHILE_LOADING = _MeterWhileLoading()


def meter() -> Meter:
    """The process's meter, resolved on first use and kept.

    From here on the choice is made: a later
    :func:`set_preferred_meter_implementation` raises. Asked again while it
    is being resolved, by the implementation's own import or factory, it
    returns a placeholder whose metrics use the real meter's as soon as it
    is there.
    """
    found = _METER
    if found is None:
        found = _LOAD_ONCE.get(_loaded_meter, _load_meter, lambda: _METER_WHILE_LOADING)
    return found


def set_preferred_meter_implementation(factory: MeterFactory) -> None:
    """Choose the factory that builds the meter.

    Call it at start-up, before anything asks for the meter: once the meter
    is resolved it cannot change, and a late call raises :exc:`RuntimeError`
    so the mistake shows at once instead of measurements silently going
    nowhere. The environment variables win over this preference. Something
    not callable (a meter given where its factory belongs) is logged and
    ignored.
    """
    global _METER_FACTORY  # pylint: disable=global-statement
    if not callable(factory):
        logger.error(
            "set_preferred_meter_implementation(%r) ignored: it takes a factory, "
            "called with the API type, e.g. lambda api_type: meter",
            factory,
        )
        return
    with _LOAD_ONCE.lock:
        if _METER is not None or _LOAD_ONCE.loading:
            raise RuntimeError(
                "The Meter is already in use; set the preferred implementation "
                "before the first meter()"
            )
        _METER_FACTORY = factory
