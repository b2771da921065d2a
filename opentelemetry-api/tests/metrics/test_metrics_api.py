"""The metrics API: no-op defaults, and how metrics.meter() finds its implementation."""

import subprocess
import sys
import textwrap

import pytest

from opentelemetry import metrics
from opentelemetry.util import loader


@pytest.fixture(autouse=True)
def fresh_globals(monkeypatch):
    monkeypatch.setattr(metrics, "_METER", None)
    monkeypatch.setattr(metrics, "_METER_FACTORY", None)
    for suffix in ("METER", "DEFAULT"):
        monkeypatch.delenv(loader.ENV_PREFIX + suffix, raising=False)


class RecordingMeter(metrics.DefaultMeter):
    def __init__(self, api_type=None):
        self.api_type = api_type


def get_opentelemetry_implementation(api_type):
    """Used by the environment tests: this module names a factory."""
    return RecordingMeter(api_type)


def test_nothing_configured_gives_the_no_op_meter():
    assert type(metrics.meter()) is metrics.DefaultMeter
    assert metrics.meter() is metrics.meter()


@pytest.mark.parametrize("metric_type", [metrics.Counter, metrics.Gauge, metrics.Measure])
def test_no_op_metric_answers_every_update_and_returns_none(metric_type):
    meter = metrics.DefaultMeter()
    metric = meter.create_metric("m", "d", "1", int, metric_type, ("k",))
    label_set = meter.get_label_set({"k": "v"})
    assert isinstance(label_set, metrics.LabelSet)
    assert metric.add(1, label_set) is None
    assert metric.set(1, label_set) is None
    assert metric.record(1, label_set) is None
    handle = metric.get_handle(label_set)
    assert handle.add(1) is None and handle.set(2) is None and handle.record(3) is None
    assert meter.record_batch(label_set, [(metric, 1)]) is None


def test_api_metric_classes_are_usable_no_ops():
    label_set = metrics.DefaultLabelSet()
    assert metrics.Counter().add(1, label_set) is None
    assert isinstance(metrics.Counter().get_handle(label_set), metrics.CounterHandle)
    assert isinstance(metrics.Gauge().get_handle(label_set), metrics.GaugeHandle)
    assert isinstance(metrics.Measure().get_handle(label_set), metrics.MeasureHandle)


@pytest.mark.parametrize("abstract", [metrics.Meter, metrics.Metric])
def test_meter_and_metric_are_abstract(abstract):
    with pytest.raises(TypeError):
        abstract()


def test_preferred_factory_is_called_with_meter_and_used():
    made = RecordingMeter()
    calls = []

    def factory(api_type):
        calls.append(api_type)
        return made

    metrics.set_preferred_meter_implementation(factory)
    assert metrics.meter() is made
    assert calls == [metrics.Meter]


def test_late_preference_raises_runtime_error():
    metrics.meter()
    with pytest.raises(RuntimeError, match="already in use"):
        metrics.set_preferred_meter_implementation(RecordingMeter)


def test_factory_returning_none_or_raising_logs_and_gives_the_no_op(caplog):
    metrics.set_preferred_meter_implementation(lambda api_type: None)
    assert type(metrics.meter()) is metrics.DefaultMeter
    assert "not a Meter" in caplog.text


def test_meter_variable_names_the_factory_module(monkeypatch):
    monkeypatch.setenv(loader.ENV_PREFIX + "METER", __name__)
    metrics.set_preferred_meter_implementation(lambda api_type: None)
    found = metrics.meter()
    assert type(found).__name__ == "RecordingMeter"
    assert found.api_type is metrics.Meter


def test_default_variable_is_used_when_the_meter_one_is_unset(monkeypatch):
    monkeypatch.setenv(
        loader.ENV_PREFIX + "DEFAULT", __name__ + ":get_opentelemetry_implementation"
    )
    assert type(metrics.meter()).__name__ == "RecordingMeter"


def test_type_aliases_are_built_on_use():
    assert metrics.ValueT.__constraints__ == (int, float)
    assert metrics.MetricT.__constraints__ == (metrics.Counter, metrics.Gauge, metrics.Measure)
    with pytest.raises(AttributeError, match="no_such_name"):
        metrics.no_such_name  # noqa: B018


def test_importing_the_metrics_api_does_not_load_typing():
    program = textwrap.dedent(
        """
        import sys, opentelemetry.metrics
        print('typing' in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


class Recorded(metrics.DefaultMeter):
    """A meter that records what reaches it."""

    def __init__(self):
        self.calls = []

    def create_metric(self, name, description, unit, value_type, metric_type, *rest, **keywords):
        meter = self

        class RecordedMetric(metrics.DefaultMetric):
            def add(self, value, label_set):
                meter.calls.append(("add", name, value, label_set))

            def get_handle(self, label_set):
                metric = self

                class Handle(metrics.DefaultMetricHandle):
                    def add(self, value):
                        metric.add(value, label_set)

                return Handle()

        self.calls.append(("create", name))
        return RecordedMetric()

    def get_label_set(self, labels):
        self.calls.append(("labels", tuple(labels.items())))
        return ("label set", tuple(labels.items()))

    def record_batch(self, label_set, record_tuples):
        for metric, value in record_tuples:
            metric.add(value, label_set)


def test_meter_asked_for_while_loading_gives_metrics_that_follow_the_real_meter():
    real = Recorded()
    made_while_loading = {}

    def factory(api_type):
        # An instrumented module imported by the factory takes its metric now.
        early = metrics.meter()
        made_while_loading["meter"] = early
        made_while_loading["counter"] = early.create_metric("early", "d", "1", int, metrics.Counter)
        made_while_loading["labels"] = early.get_label_set({"k": "v"})
        made_while_loading["counter"].add(1, made_while_loading["labels"])  # before: dropped
        return real

    metrics.set_preferred_meter_implementation(factory)
    assert metrics.meter() is real
    assert made_while_loading["meter"] is not real
    counter, labels = made_while_loading["counter"], made_while_loading["labels"]
    counter.add(2, labels)
    counter.get_handle(labels).add(3)
    made_while_loading["meter"].record_batch(labels, [(counter, 4)])
    resolved = ("label set", (("k", "v"),))
    assert real.calls == [
        ("create", "early"),
        ("labels", (("k", "v"),)),
        ("add", "early", 2, resolved),
        ("add", "early", 3, resolved),
        ("add", "early", 4, resolved),
    ]


def test_preference_set_while_the_meter_loads_raises():
    errors = []

    def factory(api_type):
        try:
            metrics.set_preferred_meter_implementation(lambda api_type: None)
        except RuntimeError as error:
            errors.append(error)
        return RecordingMeter()

    metrics.set_preferred_meter_implementation(factory)
    metrics.meter()
    assert len(errors) == 1


def test_preference_that_is_not_callable_is_logged_and_ignored(caplog):
    metrics.set_preferred_meter_implementation(RecordingMeter())
    assert "it takes a factory" in caplog.text
    assert type(metrics.meter()) is metrics.DefaultMeter
