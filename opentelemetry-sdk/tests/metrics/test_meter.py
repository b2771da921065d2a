"""The SDK meter: metrics, label sets, handles, and v0.3's checks on updates."""

import logging

import pytest

from opentelemetry import metrics as metrics_api
from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export.aggregate import (
    CounterAggregator,
    Distribution,
    GaugeAggregator,
    MinMaxSumCountAggregator,
)


@pytest.fixture
def meter():
    return metrics.Meter()


def values(meter):
    """{(metric name, labels): checkpoint} after a collection."""
    meter.collect()
    return {
        (record.metric.name, record.label_set.labels): record.aggregator.checkpoint
        for record in meter.batcher.checkpoint_set()
    }


def test_counter_sums_per_label_set(meter):
    counter = meter.create_metric("requests", "served", "1", int, metrics.Counter, ("route",))
    home = meter.get_label_set({"route": "/"})
    about = meter.get_label_set({"route": "/about"})
    counter.add(1, home)
    counter.add(2, home)
    counter.get_handle(about).add(5)
    assert values(meter) == {
        ("requests", (("route", "/"),)): 3,
        ("requests", (("route", "/about"),)): 5,
    }


def test_gauge_keeps_last_value_and_its_time(meter):
    gauge = meter.create_metric("queue", "length", "1", int, metrics.Gauge, ("q",))
    label_set = meter.get_label_set({"q": "a"})
    gauge.set(7, label_set)
    gauge.set(3, label_set)
    meter.collect()
    (record,) = meter.batcher.checkpoint_set()
    assert isinstance(record.aggregator, GaugeAggregator)
    assert record.aggregator.checkpoint == 3
    assert record.aggregator.checkpoint_timestamp > 0


def test_measure_keeps_min_max_sum_count(meter):
    measure = meter.create_metric("latency", "ms", "ms", float, metrics.Measure, ("k",))
    label_set = meter.get_label_set({"k": "v"})
    for value in (4.0, 1.5, 9.25):
        measure.record(value, label_set)
    assert values(meter) == {("latency", (("k", "v"),)): Distribution(1.5, 9.25, 14.75, 3)}


def test_measure_histogram_counts_values_per_bucket():
    meter = metrics.Meter(metrics.UngroupedBatcher(True, measure_boundaries=(10, 1, 5)))
    measure = meter.create_metric("size", "d", "By", int, metrics.Measure)
    handle = measure.get_handle(metrics.EMPTY_LABEL_SET)
    for value in (0, 1, 2, 5, 6, 10, 11, 100):
        handle.record(value)
    (checkpoint,) = values(meter).values()
    # bounds 1, 5, 10: (-inf, 1], (1, 5], (5, 10], (10, +inf)
    assert checkpoint.bucket_counts == (2, 2, 2, 2)
    assert checkpoint.count == 8 and checkpoint.min == 0 and checkpoint.max == 100


def test_each_metric_kind_gets_its_aggregator(meter):
    batcher = meter.batcher
    assert type(batcher.aggregator_for(metrics.Counter)) is CounterAggregator
    assert type(batcher.aggregator_for(metrics.Gauge)) is GaugeAggregator
    assert type(batcher.aggregator_for(metrics.Measure)) is MinMaxSumCountAggregator
    assert type(batcher.aggregator_for(metrics.Metric)) is CounterAggregator


def test_equal_labels_give_the_same_label_set_and_handle(meter):
    first = meter.get_label_set({"a": "1", "b": "2"})
    second = meter.get_label_set({"b": "2", "a": "1"})
    assert first is second
    assert meter.get_label_set({"a": "1"}) is meter.get_label_set({"a": "1"})
    direct = metrics.LabelSet({"a": "1", "b": "2"})
    assert direct == first and hash(direct) == hash(first)
    assert first.labels == (("a", "1"), ("b", "2"))
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    assert counter.get_handle(first) is counter.get_handle(direct)
    assert counter.handles == {first: counter.get_handle(first)}


def test_empty_labels_give_the_empty_label_set(meter):
    assert meter.get_label_set({}) is metrics.EMPTY_LABEL_SET
    assert metrics.EMPTY_LABEL_SET.labels == ()


def test_non_str_labels_are_logged_and_left_out(meter, caplog):
    label_set = meter.get_label_set({"a": "1", "b": 2, 3: "c"})
    assert label_set.labels == (("a", "1"),)
    assert "labels map str to str" in caplog.text
    assert meter.get_label_set("a=1") is metrics.EMPTY_LABEL_SET


def test_negative_add_to_monotonic_counter_is_logged_and_dropped(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, monotonic=True)
    counter.add(5, metrics.EMPTY_LABEL_SET)
    counter.add(-2, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 5}
    assert "monotonic counter cannot go down" in caplog.text


def test_counter_made_by_create_metric_is_not_monotonic_by_default_as_in_v0_3(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(5, metrics.EMPTY_LABEL_SET)
    counter.add(-2, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 3}
    assert metrics.Counter("direct", "d", "1", int, meter).monotonic is True


def test_monotonic_gauge_rejects_a_lower_value(meter, caplog):
    gauge = meter.create_metric("g", "d", "1", int, metrics.Gauge, monotonic=True)
    gauge.set(5, metrics.EMPTY_LABEL_SET)
    gauge.set(4, metrics.EMPTY_LABEL_SET)
    gauge.set(6, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("g", ()): 6}
    assert "monotonic gauge cannot go down" in caplog.text


def test_absolute_measure_rejects_negative_values(meter, caplog):
    measure = meter.create_metric("m", "d", "1", int, metrics.Measure)
    measure.record(-1, metrics.EMPTY_LABEL_SET)
    measure.record(2, metrics.EMPTY_LABEL_SET)
    assert values(meter)[("m", ())].count == 1
    assert "absolute measure cannot be negative" in caplog.text


def test_disabled_metric_drops_updates_silently_and_is_not_collected(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, enabled=False)
    counter.add(1, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {}
    assert caplog.text == ""


@pytest.mark.parametrize("value", ["1", None, True, 1.5, float("nan"), [1]])
def test_wrong_value_for_int_counter_is_logged_and_dropped(meter, caplog, value):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(value, metrics.EMPTY_LABEL_SET)
    counter.add(1, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 1}
    assert "Dropped" in caplog.text


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 10**400, "2.5"])
def test_non_finite_or_non_numeric_value_for_float_metric_is_dropped(meter, caplog, value):
    measure = meter.create_metric("m", "d", "1", float, metrics.Measure)
    measure.record(value, metrics.EMPTY_LABEL_SET)
    measure.record(2.5, metrics.EMPTY_LABEL_SET)
    assert values(meter)[("m", ())] == Distribution(2.5, 2.5, 2.5, 1)
    assert "Dropped" in caplog.text


def test_int_value_for_float_metric_is_taken_as_float(meter):
    counter = meter.create_metric("c", "d", "1", float, metrics.Counter)
    counter.add(2, metrics.EMPTY_LABEL_SET)
    counter.add(0.5, metrics.EMPTY_LABEL_SET)
    result = values(meter)[("c", ())]
    assert result == 2.5 and type(result) is float


def test_unknown_label_keys_are_logged_and_the_measurement_dropped(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, ("route",))
    counter.add(1, meter.get_label_set({"route": "/", "user": "u"}))
    assert values(meter) == {}
    assert "label keys ['user']" in caplog.text


def test_label_set_not_from_the_sdk_is_logged_and_dropped(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(1, metrics_api.DefaultLabelSet())
    counter.get_handle(None).add(1)
    assert values(meter) == {}
    assert "not a label set from the SDK" in caplog.text


def test_record_batch_updates_each_metric_its_own_way(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, ("k",))
    gauge = meter.create_metric("g", "d", "1", int, metrics.Gauge, ("k",))
    measure = meter.create_metric("m", "d", "1", int, metrics.Measure, ("k",))
    label_set = meter.get_label_set({"k": "v"})
    meter.record_batch(label_set, [(counter, 2), (gauge, 7), (measure, 3), ("junk",), (counter, 1)])
    assert values(meter) == {
        ("c", (("k", "v"),)): 3,
        ("g", (("k", "v"),)): 7,
        ("m", (("k", "v"),)): Distribution(3, 3, 3, 1),
    }
    assert "not a (metric, value) pair" in caplog.text
    meter.record_batch(label_set, None)  # logged, not raised


def test_api_metric_classes_give_sdk_metrics(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics_api.Counter)
    assert type(counter) is metrics.Counter


@pytest.mark.parametrize(
    "value_type, metric_type", [(str, metrics.Counter), (int, dict), (int, "Counter")]
)
def test_bad_metric_arguments_give_a_no_op_metric(meter, caplog, value_type, metric_type):
    metric = meter.create_metric("c", "d", "1", value_type, metric_type)
    assert isinstance(metric, metrics_api.DefaultMetric)
    metric.add(1, metrics.EMPTY_LABEL_SET)
    assert "not created" in caplog.text
    assert meter.metrics == set()


def test_metric_and_handle_reprs_say_what_they_hold(meter):
    counter = meter.create_metric("c", "counts", "1", int, metrics.Counter)
    assert repr(counter) == 'Counter(name="c", description="counts")'
    handle = counter.get_handle(meter.get_label_set({"k": "v"}))
    handle.add(4)
    assert repr(handle) == "CounterHandle(data=4, labels=(('k', 'v'),))"


def test_each_meter_gets_its_own_default_batcher():
    assert metrics.Meter().batcher is not metrics.Meter().batcher
    assert metrics.Meter().batcher.stateful is True


def test_bad_update_logs_are_rate_limited(meter, caplog):
    counter = meter.create_metric("rate-limited", "d", "1", int, metrics.Counter)
    with caplog.at_level(logging.WARNING):
        for _ in range(100):
            counter.add("x", metrics.EMPTY_LABEL_SET)
    assert len([r for r in caplog.records if "rate-limited" in r.getMessage()]) == 1


def test_sdk_disabled_by_the_environment_makes_no_op_metrics(monkeypatch):
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    meter = metrics.Meter()
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    assert meter.disabled and isinstance(counter, metrics_api.DefaultMetric)
    counter.add(1, meter.get_label_set({"k": "v"}))
    assert values(meter) == {}


def test_meter_resource_is_merged_over_the_default_one(monkeypatch):
    from opentelemetry.sdk.resources import Resource

    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-environment")
    assert metrics.Meter().resource.labels["service.name"] == "from-environment"
    explicit = metrics.Meter(resource=Resource({"service.name": "shop", "team": "a"}))
    assert explicit.resource.labels["service.name"] == "shop"
    assert explicit.resource.labels["telemetry.sdk.language"] == "python"


class Hostile:
    """A value or mapping whose every conversion raises, as broken lazy proxies do."""

    def __bool__(self):
        raise RuntimeError("no truth")

    def __int__(self):
        raise RuntimeError("no int")

    def __float__(self):
        raise RuntimeError("no float")

    def __index__(self):
        raise RuntimeError("no index")


class HostileFloat(float):
    def __float__(self):
        raise RuntimeError("no float")


class HostileMapping(dict):
    def items(self):
        raise RuntimeError("no items")


def test_values_and_labels_whose_conversion_raises_are_logged_and_dropped(meter, caplog):
    counter = meter.create_metric("c", "d", "1", float, metrics.Counter)
    counter.add(Hostile(), metrics.EMPTY_LABEL_SET)
    counter.add(HostileFloat(2.0), metrics.EMPTY_LABEL_SET)
    assert meter.get_label_set(HostileMapping(a="1")) is metrics.EMPTY_LABEL_SET
    assert meter.get_label_set(Hostile()) is metrics.EMPTY_LABEL_SET
    counter.add(1.0, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 1.0}
    assert "converting it failed" in caplog.text and "reading them failed" in caplog.text
