"""The SDK meter: metrics, label sets, handles, and v0.3's checks on updates."""

import logging
import os
from collections import OrderedDict

import pytest
from forked_child import answer_from_a_child

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


def messages(caplog):
    """The messages logged, as formatted."""
    return [record.getMessage() for record in caplog.records]


class KeepingBatcher(metrics.UngroupedBatcher):
    """Keeps every record a collection hands it; fails on the metrics named in ``failing``."""

    def __init__(self, failing=()):
        super().__init__(True)
        self.records = []
        self.failing = failing

    def process(self, record):
        if record.metric.name in self.failing:
            raise RuntimeError("cannot process " + record.metric.name)
        self.records.append(record)
        super().process(record)


def test_meter_collects_into_the_batcher_it_is_given():
    batcher = metrics.UngroupedBatcher(False)
    meter = metrics.Meter(batcher)
    assert meter.batcher is batcher
    meter.create_metric("c", "d", "1", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 1}


def test_collection_hands_the_batcher_each_series_with_its_metric_labels_and_aggregator():
    batcher = KeepingBatcher()
    meter = metrics.Meter(batcher)
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    home = meter.get_label_set({"route": "/"})
    about = meter.get_label_set({"route": "/about"})
    counter.add(1, home)
    counter.add(2, about)
    meter.collect()
    assert [(r.metric, r.label_set, r.aggregator) for r in batcher.records] == [
        (counter, home, counter.get_handle(home).aggregator),
        (counter, about, counter.get_handle(about).aggregator),
    ]


def test_collection_goes_through_the_metrics_in_the_order_they_were_made(meter):
    for name in ("b", "c", "a"):
        meter.create_metric(name, "d", "1", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    meter.collect()
    assert [record.metric.name for record in meter.batcher.checkpoint_set()] == ["b", "c", "a"]
    assert {metric.name for metric in meter.metrics} == {"a", "b", "c"}


def test_collection_skips_disabled_metrics_only(meter):
    meter.create_metric("off", "d", "1", int, metrics.Counter, enabled=False)
    meter.create_metric("on", "d", "1", int, metrics.Counter).add(2, metrics.EMPTY_LABEL_SET)
    meter.create_metric("off2", "d", "1", int, metrics.Gauge, enabled=False)
    assert values(meter) == {("on", ()): 2}


def test_batcher_failing_on_a_metric_is_logged_and_the_others_are_still_collected(caplog):
    batcher = KeepingBatcher(failing=("bad",))
    meter = metrics.Meter(batcher)
    for name in ("first", "bad", "last"):
        metric = meter.create_metric(name, "d", "1", int, metrics.Counter)
        metric.add(1, meter.get_label_set({"k": "a"}))
        metric.add(1, meter.get_label_set({"k": "b"}))
    meter.collect()
    assert [(r.metric.name, r.label_set.labels) for r in batcher.records] == [
        ("first", (("k", "a"),)),
        ("first", (("k", "b"),)),
        ("last", (("k", "a"),)),
        ("last", (("k", "b"),)),
    ]
    assert "failed to process" in caplog.text and "bad" in caplog.text
    assert "cannot process bad" in caplog.text  # the traceback


def test_record_holds_its_metric_label_set_and_aggregator(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    aggregator = CounterAggregator()
    record = metrics.Record(counter, metrics.EMPTY_LABEL_SET, aggregator)
    assert record.metric is counter
    assert record.label_set is metrics.EMPTY_LABEL_SET
    assert record.aggregator is aggregator


def test_record_batch_takes_any_iterable_of_pairs(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    gauge = meter.create_metric("g", "d", "1", int, metrics.Gauge)
    meter.record_batch(metrics.EMPTY_LABEL_SET, iter([(counter, 2), (gauge, 5)]))
    meter.record_batch(metrics.EMPTY_LABEL_SET, ((counter, 3),))
    assert values(meter) == {("c", ()): 5, ("g", ()): 5}


@pytest.mark.parametrize(
    "bad", [("junk",), (1, 2, 3), 7, (metrics_api.DefaultMetric(), 1), ("c", 1)]
)
def test_record_batch_logs_a_bad_record_and_takes_the_rest(meter, caplog, bad):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    meter.record_batch(metrics.EMPTY_LABEL_SET, [(counter, 1), bad, (counter, 2)])
    assert values(meter) == {("c", ()): 3}
    assert messages(caplog) == [f"Dropped record {bad!r}: not a (metric, value) pair of the SDK"]


def test_record_batch_that_is_not_iterable_is_logged(meter, caplog):
    meter.record_batch(metrics.EMPTY_LABEL_SET, 5)
    assert messages(caplog) == ["Dropped a batch of records: 5 is not iterable"]


@pytest.mark.parametrize(
    "kind, monotonic, absolute", [(metrics.Counter, True, False), (metrics.Measure, False, True)]
)
def test_create_metric_passes_on_every_setting(meter, kind, monotonic, absolute):
    metric = meter.create_metric(
        "n", "desc", "ms", float, kind, ["k"], enabled=False, monotonic=monotonic, absolute=absolute
    )
    assert type(metric) is kind and metric.meter is meter
    assert (metric.name, metric.description, metric.unit) == ("n", "desc", "ms")
    assert metric.value_type is float
    assert metric.label_keys == ("k",)
    assert (metric.enabled, metric.monotonic, metric.absolute) == (False, monotonic, absolute)
    assert meter.metrics == {metric}


def test_create_metric_defaults_are_v0_3s(meter):
    metric = meter.create_metric("n", "d", "1", int, metrics.Measure)
    assert (metric.enabled, metric.monotonic, metric.absolute) == (True, False, True)
    assert metric.label_keys == ()


def test_create_metric_makes_names_and_descriptions_str(meter):
    metric = meter.create_metric(404, 1.5, None, int, metrics.Counter)
    assert (metric.name, metric.description, metric.unit) == ("404", "1.5", "None")


class FailingKeys:
    """Label keys whose iteration fails after the first key."""

    def __iter__(self):
        yield "route"
        raise RuntimeError("no more keys")

    def __repr__(self):
        return "FailingKeys()"


@pytest.mark.parametrize("label_keys", ["route", ["route", 1], [None], None, 5, FailingKeys()])
def test_label_keys_not_a_sequence_of_str_are_logged_and_any_key_allowed(
    meter, caplog, label_keys
):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, label_keys)
    assert counter.label_keys == ()
    counter.add(1, meter.get_label_set({"user": "u"}))
    assert values(meter) == {("c", (("user", "u"),)): 1}
    assert messages(caplog) == [
        f"Metric 'c': label keys {label_keys!r} are not a sequence of str; any key is allowed"
    ]


class CustomCounter(metrics.Counter):
    """A user's own metric class."""


def test_create_metric_takes_a_subclass_of_the_sdks_metrics(meter):
    counter = meter.create_metric("c", "d", "1", int, CustomCounter)
    assert type(counter) is CustomCounter
    counter.add(2, metrics.EMPTY_LABEL_SET)
    assert values(meter) == {("c", ()): 2}


@pytest.mark.parametrize("value_type", [str, bool, complex, None])
def test_value_type_other_than_int_or_float_is_logged_and_gives_a_no_op_metric(
    meter, caplog, value_type
):
    metric = meter.create_metric("c", "d", "1", value_type, metrics.Counter)
    assert type(metric) is metrics_api.DefaultMetric
    assert meter.metrics == set()
    assert messages(caplog) == [
        f"Metric 'c' not created: value_type {value_type!r} is not int or float"
    ]


@pytest.mark.parametrize("metric_type", [dict, "Counter", None, metrics.CounterHandle, [], {}])
def test_metric_type_that_is_not_a_metric_class_is_logged_and_gives_a_no_op_metric(
    meter, caplog, metric_type
):
    metric = meter.create_metric("c", "d", "1", float, metric_type)
    assert type(metric) is metrics_api.DefaultMetric
    meter.collect()
    assert meter.metrics == set() and meter.batcher.checkpoint_set() == []
    assert messages(caplog) == [f"Metric 'c' not created: {metric_type!r} is not a metric class"]


@pytest.mark.parametrize(
    "api_type, sdk_type",
    [
        (metrics_api.Counter, metrics.Counter),
        (metrics_api.Gauge, metrics.Gauge),
        (metrics_api.Measure, metrics.Measure),
    ],
)
def test_each_api_metric_class_gives_its_sdk_metric(meter, api_type, sdk_type):
    assert type(meter.create_metric("m", "d", "1", int, api_type)) is sdk_type


def test_disabled_meter_makes_no_op_metrics_and_keeps_none(caplog):
    from opentelemetry.sdk.configuration import read_configuration

    meter = metrics.Meter(configuration=read_configuration({"OTEL_SDK_DISABLED": "true"}))
    assert meter.disabled is True
    metric = meter.create_metric("c", "d", "1", int, metrics.Counter)
    assert type(metric) is metrics_api.DefaultMetric
    assert meter.metrics == set()
    enabled = metrics.Meter(configuration=read_configuration({}))
    assert enabled.disabled is False


@pytest.mark.parametrize(
    "labels", [{"k": "v"}, {"k": "v", "a": "b"}, {"a": "b", "k": "v"}, {"k": "v", "z": "b"}]
)
def test_get_label_set_gives_one_object_per_labels(meter, labels):
    label_set = meter.get_label_set(labels)
    assert label_set.labels == tuple(sorted(labels.items()))
    assert meter.get_label_set(dict(labels)) is label_set
    assert meter.get_label_set(dict(reversed(list(labels.items())))) is label_set
    assert meter.get_label_set(OrderedDict(labels)) is label_set


def test_get_label_set_of_one_label_that_is_not_str_to_str_gives_the_empty_set(meter, caplog):
    assert meter.get_label_set({"k": 1}) is metrics.EMPTY_LABEL_SET
    assert meter.get_label_set({1: "v"}) is metrics.EMPTY_LABEL_SET
    assert meter.get_label_set(None) is metrics.EMPTY_LABEL_SET
    assert "labels map str to str" in caplog.text


def test_label_sets_of_different_meters_are_equal_but_distinct(meter):
    other = metrics.Meter()
    mine = meter.get_label_set({"k": "v"})
    theirs = other.get_label_set({"k": "v"})
    assert mine == theirs and mine is not theirs


class NoStr:
    def __str__(self):
        raise RuntimeError("no str")


@pytest.mark.parametrize("field", ["name", "description", "unit"])
def test_name_description_or_unit_that_cannot_be_a_str_is_logged_and_gives_a_no_op_metric(
    meter, caplog, field
):
    texts = {"name": "c", "description": "d", "unit": "1", field: NoStr()}
    metric = meter.create_metric(
        texts["name"], texts["description"], texts["unit"], int, metrics.Counter
    )
    assert type(metric) is metrics_api.DefaultMetric
    assert meter.metrics == set()
    assert messages(caplog) == [
        "Metric not created: its name, description or unit is not a str"
    ]


class RaisingRepr(str):
    def __repr__(self):
        raise RuntimeError("no repr")


class LyingRepr(str):
    def __repr__(self):
        return "'route'"


@pytest.mark.parametrize("kind", [RaisingRepr, LyingRepr])
def test_one_label_of_str_subclasses_gets_its_own_plain_label_set(meter, kind):
    route = meter.get_label_set({"route": "/"})
    for labels in ({kind("user"): "/"}, {"user": kind("/")}):
        label_set = meter.get_label_set(labels)
        assert label_set.labels == (("user", "/"),)
        assert label_set is not route
        assert meter.get_label_set({"user": "/"}) is label_set
        assert all(type(text) is str for pair in label_set.labels for text in pair)


def test_meter_resource_comes_from_the_configuration_it_is_given(monkeypatch):
    from opentelemetry.sdk.configuration import read_configuration

    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-environment")
    configured = metrics.Meter(configuration=read_configuration({"OTEL_SERVICE_NAME": "given"}))
    assert configured.resource.labels["service.name"] == "given"


def test_new_meter_has_no_controllers_and_no_metrics(meter):
    assert meter.controllers == []
    assert meter.metrics == set()
    meter.collect()
    assert meter.batcher.checkpoint_set() == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_collects_only_what_it_measured_itself(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter, ("k",))
    measure = meter.create_metric("m", "d", "1", int, metrics.Measure, ("k",))
    first = meter.get_label_set({"k": "a"})
    second = meter.get_label_set({"k": "b"})
    for label_set in (first, second):
        counter.add(5, label_set)
        measure.record(5, label_set)

    def in_child():
        counter.add(2, first)
        measure.record(3, second)
        return repr(sorted(values(meter).items()))

    assert answer_from_a_child(in_child) == repr(
        sorted(
            {
                ("c", (("k", "a"),)): 2,
                ("c", (("k", "b"),)): 0,
                ("m", (("k", "a"),)): Distribution(None, None, 0, 0),
                ("m", (("k", "b"),)): Distribution(3, 3, 3, 1),
            }.items()
        )
    )
    assert values(meter)[("c", (("k", "a"),))] == 5  # the parent keeps its own
