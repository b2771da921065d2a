"""Handles: v0.3's checks on every update, at their bounds, and what reaches the aggregator."""

import enum
import sys

import pytest

from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export.aggregate import (
    Aggregator,
    CounterAggregator,
    GaugeAggregator,
    MinMaxSumCountAggregator,
)

INF = float("inf")
NAN = float("nan")
LARGEST_FLOAT = sys.float_info.max


class Recorder(Aggregator):
    """An aggregator that keeps every value handed to it, in order (``current``: the last)."""

    def __init__(self):
        super().__init__()
        self.values = []

    def update(self, value):
        self.values.append(value)
        self.current = value

    def take_checkpoint(self):
        self.checkpoint = self.current

    def merge(self, other):
        self.checkpoint = other.checkpoint


def handle(kind, value_type, *, enabled=True, monotonic=False, absolute=False, aggregator=None):
    """A handle as a metric makes it, named "m", with a recording aggregator."""
    made = kind(value_type, enabled, monotonic, absolute, aggregator or Recorder())
    made._name = "m"
    return made


def update(made, value):
    """The handle's own update method: add, set or record."""
    if isinstance(made, metrics.CounterHandle):
        made.add(value)
    elif isinstance(made, metrics.GaugeHandle):
        made.set(value)
    else:
        made.record(value)


def messages(caplog):
    """The messages logged, as formatted."""
    return [record.getMessage() for record in caplog.records]


HANDLE_KINDS = [metrics.CounterHandle, metrics.GaugeHandle, metrics.MeasureHandle]


@pytest.mark.parametrize("kind", [metrics.BaseHandle] + HANDLE_KINDS)
def test_handle_keeps_the_settings_it_was_made_with(kind):
    aggregator = CounterAggregator()
    made = kind(float, False, True, False, aggregator)
    assert made.value_type is float
    assert made.enabled is False
    assert made.monotonic is True
    assert made.absolute is False
    assert made.aggregator is aggregator
    made = kind(int, True, False, True, aggregator)
    settings = (made.value_type, made.enabled, made.monotonic, made.absolute)
    assert settings == (int, True, False, True)


def test_update_hands_any_value_to_the_aggregator_without_checks():
    # v0.3's BaseHandle.update: the raw call, for values already checked.
    made = handle(metrics.CounterHandle, int, monotonic=True)
    made.update(-5)
    made.update(2.5)
    assert made.aggregator.values == [-5, 2.5]


# --- counters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value_type, zero", [(int, 0), (float, 0.0), (float, -0.0), (float, 0)])
def test_monotonic_counter_takes_zero(value_type, zero):
    made = handle(metrics.CounterHandle, value_type, monotonic=True)
    made.add(zero)
    assert made.aggregator.values == [zero]


@pytest.mark.parametrize(
    "value_type, value", [(int, -1), (float, -1.0), (float, -5e-324), (float, -1)]
)
def test_monotonic_counter_logs_and_drops_any_negative_value(value_type, value, caplog):
    made = handle(metrics.CounterHandle, value_type, monotonic=True)
    made.add(value)
    made.add(value_type(1))
    assert made.aggregator.values == [1]
    expected = f"Dropped {value!r} for metric 'm': a monotonic counter cannot go down"
    assert messages(caplog) == [expected]


@pytest.mark.parametrize(
    "value_type, value",
    [(int, -1), (int, -(10**400)), (float, -2.5), (float, -LARGEST_FLOAT), (float, -1)],
)
def test_non_monotonic_counter_takes_negative_values(value_type, value, caplog):
    made = handle(metrics.CounterHandle, value_type)
    made.add(value)
    assert made.aggregator.values == [value]
    assert caplog.text == ""


def test_absolute_flag_does_not_restrict_a_counter():
    made = handle(metrics.CounterHandle, int, monotonic=False, absolute=True)
    made.add(-3)
    assert made.aggregator.values == [-3]


def test_monotonic_flag_does_not_restrict_a_measure():
    made = handle(metrics.MeasureHandle, int, monotonic=True, absolute=False)
    made.record(-3)
    assert made.aggregator.values == [-3]


# --- measures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value_type, zero", [(int, 0), (float, 0.0), (float, -0.0), (float, 0)])
def test_absolute_measure_takes_zero(value_type, zero):
    made = handle(metrics.MeasureHandle, value_type, absolute=True)
    made.record(zero)
    assert made.aggregator.values == [zero]


@pytest.mark.parametrize("value_type, value", [(int, -1), (float, -0.5), (float, -1)])
def test_absolute_measure_logs_and_drops_any_negative_value(value_type, value, caplog):
    made = handle(metrics.MeasureHandle, value_type, absolute=True)
    made.record(value)
    assert made.aggregator.values == []
    expected = f"Dropped {value!r} for metric 'm': an absolute measure cannot be negative"
    assert messages(caplog) == [expected]


@pytest.mark.parametrize("value_type, value", [(int, -7), (float, -0.5), (float, -7)])
def test_measure_that_is_not_absolute_takes_negative_values(value_type, value):
    made = handle(metrics.MeasureHandle, value_type, absolute=False)
    made.record(value)
    assert made.aggregator.values == [value]


# --- every kind: types, finiteness, disabled ----------------------------------------------------


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_largest_finite_float_is_taken(kind):
    made = handle(kind, float)
    update(made, LARGEST_FLOAT)
    assert made.aggregator.values == [LARGEST_FLOAT]


@pytest.mark.parametrize("kind", HANDLE_KINDS)
@pytest.mark.parametrize("value", [INF, -INF, NAN])
def test_non_finite_float_is_logged_and_dropped(kind, value, caplog):
    made = handle(kind, float)
    update(made, value)
    assert made.aggregator.values == []
    assert f"Dropped {value!r} for metric 'm': not a finite number" in caplog.text


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_int_too_large_for_a_float_metric_is_logged_and_dropped(kind, caplog):
    made = handle(kind, float)
    update(made, 10**400)
    assert made.aggregator.values == []
    assert "not a finite number" in caplog.text


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_int_for_a_float_metric_is_taken_as_a_float(kind):
    made = handle(kind, float)
    update(made, 3)
    assert made.aggregator.values == [3.0]
    assert type(made.aggregator.values[0]) is float


class Level(enum.IntEnum):
    HIGH = 3


class Ratio(float):
    pass


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_int_subclass_for_an_int_metric_is_taken_as_a_plain_int(kind):
    made = handle(kind, int)
    update(made, Level.HIGH)
    assert made.aggregator.values == [3]
    assert type(made.aggregator.values[0]) is int


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_float_subclass_for_a_float_metric_is_taken_as_a_plain_float(kind):
    made = handle(kind, float)
    update(made, Ratio(1.5))
    assert made.aggregator.values == [1.5]
    assert type(made.aggregator.values[0]) is float


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_float_for_an_int_metric_is_logged_and_dropped(kind, caplog):
    made = handle(kind, int)
    update(made, 2.0)
    assert made.aggregator.values == []
    assert "Dropped 2.0 for metric 'm': not an int" in caplog.text


@pytest.mark.parametrize("kind", HANDLE_KINDS)
@pytest.mark.parametrize("value_type", [int, float])
@pytest.mark.parametrize("value", [True, "1", None, [1], 1j])
def test_value_that_is_not_a_number_is_logged_with_the_type_wanted(kind, value_type, value, caplog):
    made = handle(kind, value_type)
    update(made, value)
    assert made.aggregator.values == []
    expected = f"Dropped {value!r} for metric 'm': not of type {value_type.__name__}"
    assert expected in caplog.text


@pytest.mark.parametrize("kind", HANDLE_KINDS)
@pytest.mark.parametrize("value", [1, 1.0, -1, "x", INF])
def test_disabled_handle_drops_every_value_silently(kind, value, caplog):
    made = handle(kind, type(value) if type(value) in (int, float) else int, enabled=False)
    update(made, value)
    assert made.aggregator.values == []
    assert caplog.text == ""


# --- gauges -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value_type, values", [(int, [5, -3, 7]), (float, [5.0, -3.5, 7.25])])
def test_gauge_takes_every_finite_value_up_or_down(value_type, values):
    made = handle(metrics.GaugeHandle, value_type)
    for value in values:
        made.set(value)
    assert made.aggregator.values == values


@pytest.mark.parametrize("aggregator", [GaugeAggregator, Recorder])
def test_monotonic_gauge_takes_its_first_value_and_an_equal_or_higher_one(aggregator, caplog):
    # Recorder has no update_if_not_below: the handle compares with the last value itself.
    made = handle(metrics.GaugeHandle, int, monotonic=True, aggregator=aggregator())
    made.set(-5)
    assert made.aggregator.current == -5
    made.set(-5)
    made.set(2)
    assert made.aggregator.current == 2
    assert messages(caplog) == []


class Refusing(GaugeAggregator):
    """A gauge aggregator that refuses every value in its compare-and-set."""

    def update_if_not_below(self, value):
        return False


def test_monotonic_gauge_leaves_the_comparison_to_an_aggregator_that_offers_it(caplog):
    # update_if_not_below compares and sets under the aggregator's own lock:
    # concurrent sets cannot slip a lower value in between.
    made = handle(metrics.GaugeHandle, int, monotonic=True, aggregator=Refusing())
    made.set(5)
    assert made.aggregator.current is None
    assert messages(caplog) == ["Dropped 5 for metric 'm': a monotonic gauge cannot go down"]


@pytest.mark.parametrize("aggregator", [GaugeAggregator, Recorder])
@pytest.mark.parametrize("value_type", [int, float])
def test_monotonic_gauge_logs_and_drops_a_lower_value(aggregator, value_type, caplog):
    made = handle(metrics.GaugeHandle, value_type, monotonic=True, aggregator=aggregator())
    made.set(value_type(5))
    made.set(value_type(4))
    assert made.aggregator.current == 5
    expected = f"Dropped {value_type(4)!r} for metric 'm': a monotonic gauge cannot go down"
    assert messages(caplog) == [expected]


def test_monotonic_float_gauge_compares_an_int_as_a_float():
    made = handle(metrics.GaugeHandle, float, monotonic=True, aggregator=GaugeAggregator())
    made.set(2.5)
    made.set(3)
    assert made.aggregator.current == 3.0 and type(made.aggregator.current) is float
    made.set(2)
    assert made.aggregator.current == 3.0


@pytest.mark.parametrize("value", [INF, NAN, "x"])
def test_monotonic_gauge_logs_and_drops_what_is_not_a_finite_number(value, caplog):
    made = handle(metrics.GaugeHandle, float, monotonic=True, aggregator=GaugeAggregator())
    made.set(value)
    assert made.aggregator.current is None
    assert "Dropped" in caplog.text


# --- repr ---------------------------------------------------------------------------------------


def test_repr_of_a_handle_shows_its_data_and_labels():
    meter = metrics.Meter()
    measure = meter.create_metric("m", "d", "1", int, metrics.Measure, ("k",))
    made = measure.get_handle(meter.get_label_set({"k": "v"}))
    made.record(2)
    assert repr(made) == (
        "MeasureHandle(data=Distribution(min=2, max=2, sum=2, count=1, bucket_counts=()),"
        " labels=(('k', 'v'),))"
    )


@pytest.mark.parametrize("kind", HANDLE_KINDS)
def test_handle_made_directly_logs_under_an_empty_metric_name(kind, caplog):
    made = kind(int, True, False, False, Recorder())
    update(made, "x")
    assert "Dropped 'x' for metric '': not of type int" in caplog.text


def test_repr_of_a_handle_made_directly_shows_no_labels():
    made = metrics.GaugeHandle(int, True, False, False, GaugeAggregator())
    made.set(4)
    assert repr(made) == "GaugeHandle(data=4, labels=())"


def test_measure_handle_from_a_meter_feeds_its_series_aggregator():
    meter = metrics.Meter()
    made = meter.create_metric("m", "d", "1", int, metrics.Measure).get_handle(
        metrics.EMPTY_LABEL_SET
    )
    assert isinstance(made.aggregator, MinMaxSumCountAggregator)
