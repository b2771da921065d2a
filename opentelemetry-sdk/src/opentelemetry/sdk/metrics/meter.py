"""The SDK's meter: makes metrics and label sets, and collects them into its batcher."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Type, Union

from opentelemetry import metrics as metrics_api

from opentelemetry.util._error_handler import report_exception, report_failure
from .._fork_safety import reset_after_fork
from ..configuration import Configuration, read_configuration
from ..resources import Resource, get_default_resource
from .export.aggregate import Aggregator
from .export.batcher import Batcher, UngroupedBatcher
from .label_set import EMPTY_LABEL_SET, LabelSet
from .metric import Counter, Gauge, Measure, Metric

__all__ = ["Meter", "Record"]

logger = logging.getLogger(__name__)

_Value = Union[int, float]

# The SDK class for each API metric class, so v0.3 code passing the API's
# ``metrics.Counter`` to the SDK's meter gets a working counter.
_SDK_METRIC_TYPES: Dict[type, Type[Metric]] = {
    metrics_api.Counter: Counter,
    metrics_api.Gauge: Gauge,
    metrics_api.Measure: Measure,
}


def _str_keys(label_keys: Any) -> Optional[Tuple[str, ...]]:
    """``label_keys`` as a tuple, or ``None`` if they are not a sequence of ``str``."""
    if isinstance(label_keys, str):  # a sequence of str, but surely not meant as one
        return None
    try:
        keys = tuple(label_keys)
    except Exception:  # not iterable, or its iteration fails: not label keys either
        return None
    return keys if all(isinstance(key, str) for key in keys) else None


class Record:
    """What a collection hands the batcher for one series: its metric, label set and aggregator."""

    __slots__ = ("metric", "label_set", "aggregator")

    def __init__(self, metric: Metric, label_set: LabelSet, aggregator: Aggregator) -> None:
        self.metric = metric
        self.label_set = label_set
        self.aggregator = aggregator


class Meter(metrics_api.Meter):
    """Makes metrics, hands out label sets, and collects every series into ``batcher``.

    :param batcher: Keeps what collections gather until it is exported:
        cumulative by default (``UngroupedBatcher(stateful=True)``); each
        meter gets its own.
    :param resource: What produces the measurements (a service, a host); the
        OTLP exporter sends it with them. It is merged over
        :func:`~opentelemetry.sdk.resources.get_default_resource` (the
        service's name, ``OTEL_RESOURCE_ATTRIBUTES``), as a tracer source's is.
    :param configuration: The environment's settings; default
        :func:`~opentelemetry.sdk.configuration.read_configuration`. With
        ``OTEL_SDK_DISABLED=true`` the meter makes the API's no-op metrics.

    Nothing here raises into the application: bad arguments are logged (at
    most once a minute per message) and give a metric or label set that
    drops what it is given.
    """

    def __init__(
        self,
        batcher: Optional[Batcher] = None,
        *,
        resource: Optional[Resource] = None,
        configuration: Optional[Configuration] = None,
    ) -> None:
        if configuration is None:
            configuration = read_configuration()
        #: Whether ``OTEL_SDK_DISABLED`` turned this meter into the API's no-op.
        self.disabled = configuration.sdk_disabled
        #: Where collections go.
        self.batcher: Batcher = UngroupedBatcher(True) if batcher is None else batcher
        default_resource = get_default_resource(configuration)
        #: What produces the measurements.
        self.resource = default_resource if resource is None else resource.merge(default_resource)
        #: The metrics made so far.
        self.metrics: Set[Metric] = set()
        # The same, in the order they were made: the order of collections.
        self._metrics_in_order: List[Metric] = []
        # One label set per distinct labels, by the label set's key.
        self._label_sets: Dict[str, LabelSet] = {}
        #: The push controllers the zero-code setup started for this meter.
        self.controllers: List[Any] = []
        reset_after_fork(self)

    def collect(self) -> None:
        """Checkpoint every series of every enabled metric into the batcher.

        Metrics and series created during the collection are collected next
        time; updates made during it land in this collection or the next,
        never both.
        """
        # tuple(): a snapshot taken in one step, so metrics and handles added
        # by other threads meanwhile cannot break the iteration.
        for metric in tuple(self._metrics_in_order):
            if not metric.enabled:
                continue
            for handle in tuple(metric._handles.values()):
                try:
                    self.batcher.process(Record(metric, handle._label_set, handle.aggregator))
                except Exception:  # a custom batcher must not break the collection
                    report_exception(logger, "%r failed to process %r", self.batcher, metric)

    def record_batch(
        self,
        label_set: LabelSet,  # type: ignore[override]
        record_tuples: Sequence[Tuple[metrics_api.Metric, _Value]],
    ) -> None:
        """Update each metric of ``record_tuples`` with its value and ``label_set``."""
        try:
            items = list(record_tuples)
        except TypeError:
            report_failure(logger, "Dropped a batch of records: %r is not iterable", record_tuples)
            return
        for item in items:
            try:
                metric, value = item
                update = metric.UPDATE_FUNCTION  # type: ignore[attr-defined]
            except (TypeError, ValueError, AttributeError):
                report_failure(
                    logger, "Dropped record %r: not a (metric, value) pair of the SDK", item
                )
                continue
            update(value, label_set)

    def create_metric(
        self,
        name: str,
        description: str,
        unit: str,
        value_type: Type[_Value],
        metric_type: Type[metrics_api.MetricT],
        label_keys: Sequence[str] = (),
        enabled: bool = True,
        monotonic: bool = False,
        absolute: bool = True,
    ) -> metrics_api.MetricT:
        """Make a metric of the kind ``metric_type`` names (:class:`Counter`, ...).

        The API's metric classes are accepted for the SDK's. A ``value_type``
        other than ``int`` or ``float``, a class that is not a metric, or a
        name, description or unit that cannot be made a ``str`` is logged and
        gives a metric that drops every update. Label keys that are not a
        sequence of ``str`` are logged, and the metric allows any key.
        """
        if self.disabled:
            return metrics_api.DefaultMetric()  # type: ignore[return-value]
        # Only a class is looked up: anything else may not even be hashable.
        sdk_type: Any = (
            _SDK_METRIC_TYPES.get(metric_type, metric_type)
            if isinstance(metric_type, type)
            else metric_type
        )
        if value_type not in (int, float):
            report_failure(
                logger, "Metric %r not created: value_type %r is not int or float", name, value_type
            )
            return metrics_api.DefaultMetric()  # type: ignore[return-value]
        if not (isinstance(sdk_type, type) and issubclass(sdk_type, Metric)):
            report_failure(
                logger, "Metric %r not created: %r is not a metric class", name, metric_type
            )
            return metrics_api.DefaultMetric()  # type: ignore[return-value]
        try:
            texts = (str(name), str(description), str(unit))
        except Exception:  # a __str__ that raises must not reach the application
            report_exception(
                logger, "Metric not created: its name, description or unit is not a str"
            )
            return metrics_api.DefaultMetric()  # type: ignore[return-value]
        keys = _str_keys(label_keys)
        if keys is None:
            report_failure(
                logger,
                "Metric %r: label keys %r are not a sequence of str; any key is allowed",
                name,
                label_keys,
            )
            keys = ()
        metric: Metric = sdk_type(
            *texts,
            value_type,
            self,
            label_keys=keys,
            enabled=enabled,
            monotonic=monotonic,
            absolute=absolute,
        )
        self.metrics.add(metric)
        self._metrics_in_order.append(metric)  # list.append is atomic: no lock needed
        return metric  # type: ignore[return-value]  # an instance of the class asked for

    def get_label_set(self, labels: Dict[str, str]) -> LabelSet:
        """The label set for ``labels``: the same object for equal labels.

        Entries that are not ``str`` to ``str`` are logged and left out.
        """
        if type(labels) is dict and len(labels) == 1:
            # One label, the usual case: looked up without sorting. Plain str
            # only: the key is their repr, and a subclass's repr is not ours.
            ((key, value),) = labels.items()
            if type(key) is str and type(value) is str:
                found = self._label_sets.get(repr(((key, value),)))
                if found is not None:
                    return found
        label_set = LabelSet(labels)  # logs and leaves out what is not str to str
        if not label_set.labels:
            return EMPTY_LABEL_SET
        # setdefault is atomic for a str key: one label set per labels, whatever the threads do.
        return self._label_sets.setdefault(label_set._key, label_set)

    def _reset_after_fork(self) -> None:
        """In a forked child: drop what the parent measured and has yet to export."""
        for metric in tuple(self.metrics):
            for handle in tuple(metric._handles.values()):
                handle.aggregator.take_checkpoint()
