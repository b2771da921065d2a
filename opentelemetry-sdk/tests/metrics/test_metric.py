"""Metrics: one handle per label set, made on first use, with the metric's settings."""

import pytest

from opentelemetry import metrics as metrics_api
from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export.aggregate import (
    CounterAggregator,
    GaugeAggregator,
    MinMaxSumCountAggregator,
)

KINDS = [
    # metric class, its handle class, how a value is given, the aggregator a series gets
    (metrics.Counter, metrics.CounterHandle, "add", CounterAggregator),
    (metrics.Gauge, metrics.GaugeHandle, "set", GaugeAggregator),
    (metrics.Measure, metrics.MeasureHandle, "record", MinMaxSumCountAggregator),
]


@pytest.fixture
def meter():
    return metrics.Meter()


def collected(meter):
    """{(metric name, labels): checkpoint} after a collection."""
    meter.collect()
    return {
        (record.metric.name, record.label_set.labels): record.aggregator.checkpoint
        for record in meter.batcher.checkpoint_set()
    }


def untouched(aggregator):
    """Whether ``aggregator`` holds what a new one of its kind holds."""
    return aggregator.current == type(aggregator)().current


@pytest.mark.parametrize("kind", [metrics.Metric, metrics.Counter, metrics.Gauge, metrics.Measure])
def test_metric_keeps_what_it_was_made_with(meter, kind):
    metric = kind("latency", "time taken", "ms", float, meter, ("route",), False, True, False)
    assert metric.name == "latency"
    assert metric.description == "time taken"
    assert metric.unit == "ms"
    assert metric.value_type is float
    assert metric.meter is meter
    assert tuple(metric.label_keys) == ("route",)
    assert (metric.enabled, metric.monotonic, metric.absolute) == (False, True, False)
    metric = kind("n", "d", "1", int, meter, enabled=True, monotonic=False, absolute=True)
    assert (metric.enabled, metric.monotonic, metric.absolute) == (True, False, True)


@pytest.mark.parametrize(
    "kind, monotonic, absolute",
    [
        (metrics.Metric, False, True),
        (metrics.Counter, True, False),
        (metrics.Gauge, False, False),
        (metrics.Measure, False, True),
    ],
)
def test_metric_made_directly_has_the_v0_3_defaults(meter, kind, monotonic, absolute):
    metric = kind("n", "d", "1", int, meter)
    assert tuple(metric.label_keys) == ()
    assert metric.enabled is True
    assert (metric.monotonic, metric.absolute) == (monotonic, absolute)


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
def test_handle_has_the_metrics_settings_and_a_new_aggregator_of_its_kind(
    meter, kind, handle_kind, method, aggregator
):
    metric = meter.create_metric(
        "m", "d", "1", float, kind, ("k",), enabled=True, monotonic=True, absolute=False
    )
    handle = metric.get_handle(meter.get_label_set({"k": "v"}))
    assert type(handle) is handle_kind
    assert handle.value_type is float
    assert (handle.enabled, handle.monotonic, handle.absolute) == (True, True, False)
    assert type(handle.aggregator) is aggregator
    other = metric.get_handle(meter.get_label_set({"k": "w"}))
    assert other.aggregator is not handle.aggregator


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
def test_metric_update_goes_to_the_handle_of_its_label_set(
    meter, kind, handle_kind, method, aggregator
):
    metric = meter.create_metric("m", "d", "1", int, kind, ("k",))
    label_set = meter.get_label_set({"k": "v"})
    getattr(metric, method)(4, label_set)
    handle = metric.get_handle(label_set)
    assert metric.handles == {label_set: handle}
    assert handle.aggregator.current == aggregator_value(aggregator, 4)


def aggregator_value(aggregator, value):
    """What ``current`` holds after one update of ``value``."""
    if aggregator is MinMaxSumCountAggregator:
        return metrics.export.aggregate.Distribution(value, value, value, 1)
    return value


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
def test_equal_label_sets_share_one_handle_and_different_ones_do_not(
    meter, kind, handle_kind, method, aggregator
):
    metric = meter.create_metric("m", "d", "1", int, kind)
    first = metric.get_handle(meter.get_label_set({"a": "1", "b": "2"}))
    assert metric.get_handle(metrics.LabelSet({"b": "2", "a": "1"})) is first
    assert metric.get_handle(meter.get_label_set({"a": "1"})) is not first
    assert metric.get_handle(metrics.EMPTY_LABEL_SET) is not first
    assert len(metric.handles) == 3


def test_handles_are_a_copy_keyed_by_label_set(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    label_set = meter.get_label_set({"k": "v"})
    handle = counter.get_handle(label_set)
    handles = counter.handles
    assert handles == {label_set: handle}
    handles.clear()
    assert counter.handles == {label_set: handle}
    counter.add(2, label_set)
    assert collected(meter) == {("c", (("k", "v"),)): 2}


def test_handles_are_named_for_their_metric_and_know_their_label_set(meter, caplog):
    counter = meter.create_metric("requests", "d", "1", int, metrics.Counter, ("k",))
    label_set = meter.get_label_set({"k": "v"})
    counter.add("x", label_set)
    assert "Dropped 'x' for metric 'requests'" in caplog.text
    assert repr(counter.get_handle(label_set)) == "CounterHandle(data=0, labels=(('k', 'v'),))"


def test_metric_without_label_keys_takes_any_labels(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(1, meter.get_label_set({"anything": "goes"}))
    assert collected(meter) == {("c", (("anything", "goes"),)): 1}


def test_label_set_with_some_of_the_label_keys_is_taken(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, ("route", "method"))
    counter.add(1, meter.get_label_set({"route": "/"}))
    counter.add(2, meter.get_label_set({"method": "GET", "route": "/"}))
    counter.add(4, metrics.EMPTY_LABEL_SET)
    assert collected(meter) == {
        ("c", (("route", "/"),)): 1,
        ("c", (("method", "GET"), ("route", "/"))): 2,
        ("c", ()): 4,
    }


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
def test_unknown_label_keys_are_logged_with_the_metric_and_its_keys(
    meter, caplog, kind, handle_kind, method, aggregator
):
    metric = meter.create_metric("shop", "d", "1", int, kind, ("route", "method"))
    label_set = meter.get_label_set({"route": "/", "user": "u", "zone": "z"})
    getattr(metric, method)(1, label_set)
    getattr(metric.get_handle(label_set), method)(1)
    assert collected(meter) == {}
    assert metric.handles == {}
    assert (
        "Dropped measurements for metric 'shop': label keys ['user', 'zone'] "
        "are not among its label keys ['method', 'route']"
    ) in caplog.text


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
@pytest.mark.parametrize("label_set", [metrics_api.DefaultLabelSet(), None, {"k": "v"}])
def test_label_set_not_from_the_sdk_drops_the_update_without_raising(
    meter, caplog, kind, handle_kind, method, aggregator, label_set
):
    metric = meter.create_metric("m", "d", "1", int, kind, monotonic=True, absolute=False)
    getattr(metric, method)(1, label_set)
    handle = metric.get_handle(label_set)
    assert type(handle) is handle_kind
    # The metric's own settings, but disabled: it drops everything.
    settings = (handle.value_type, handle.enabled, handle.monotonic, handle.absolute)
    assert settings == (int, False, True, False)
    getattr(handle, method)(1)
    assert untouched(handle.aggregator)
    assert collected(meter) == {}
    assert metric.handles == {}
    assert f"Dropped measurements for metric 'm': {label_set!r} is not a label set" in caplog.text


@pytest.mark.parametrize("kind, handle_kind, method, aggregator", KINDS)
def test_disabled_metric_hands_out_disabled_handles(meter, kind, handle_kind, method, aggregator):
    metric = meter.create_metric("m", "d", "1", int, kind, enabled=False)
    handle = metric.get_handle(metrics.EMPTY_LABEL_SET)
    assert handle.enabled is False
    getattr(metric, method)(1, metrics.EMPTY_LABEL_SET)
    assert untouched(handle.aggregator)


def test_base_metric_update_function_takes_nothing(meter):
    metric = metrics.Metric("m", "d", "1", int, meter)
    assert metric.UPDATE_FUNCTION(1, metrics.EMPTY_LABEL_SET) is None
    meter.record_batch(metrics.EMPTY_LABEL_SET, [(metric, 1)])
    assert metric.handles == {}


@pytest.mark.parametrize("kind", [metrics.Metric, metrics.Counter, metrics.Gauge, metrics.Measure])
def test_metric_repr_names_its_kind_name_and_description(meter, kind):
    metric = kind("latency", "time taken", "ms", int, meter)
    assert repr(metric) == f'{kind.__name__}(name="latency", description="time taken")'


class ReenteringBatcher(metrics.UngroupedBatcher):
    """Makes the same series' handle from inside ``aggregator_for``, once, as a thread could."""

    def __init__(self):
        super().__init__(True)
        self.reenter = None

    def aggregator_for(self, metric_type):
        reenter, self.reenter = self.reenter, None
        if reenter is not None:
            reenter()
        return super().aggregator_for(metric_type)


def test_first_handle_of_a_series_made_twice_at_once_is_the_one_kept():
    batcher = ReenteringBatcher()
    meter = metrics.Meter(batcher)
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    label_set = meter.get_label_set({"k": "v"})
    inner = []
    batcher.reenter = lambda: inner.append(counter.get_handle(label_set))
    outer = counter.get_handle(label_set)
    assert outer is inner[0]
    outer.add(1)
    inner[0].add(2)
    assert collected(meter) == {("c", (("k", "v"),)): 3}
