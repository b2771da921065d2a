"""The implementation hook: how trace.tracer_source() finds its implementation."""

import logging
import subprocess
import sys
import textwrap

import pytest

from opentelemetry import trace
from opentelemetry.util import loader


@pytest.fixture(autouse=True)
def fresh_globals(monkeypatch):
    monkeypatch.setattr(trace, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace, "_TRACER_SOURCE_FACTORY", None)
    for suffix in ("TRACERSOURCE", "DEFAULT"):
        monkeypatch.delenv(loader.ENV_PREFIX + suffix, raising=False)


class RecordingSource(trace.TracerSource):
    def __init__(self, api_type=None):
        self.api_type = api_type


def get_opentelemetry_implementation(api_type):
    """Used by the environment tests: this module names a factory."""
    return RecordingSource(api_type)


def alternative_factory(api_type):
    return RecordingSource("alternative")


def test_nothing_configured_gives_the_no_op_source():
    source = trace.tracer_source()
    assert type(source) is trace.DefaultTracerSource
    tracer = trace.get_tracer(__name__)
    assert isinstance(tracer, trace.DefaultTracer)
    assert tracer.start_span("s") is trace.INVALID_SPAN


def test_source_is_resolved_once_and_kept():
    assert trace.tracer_source() is trace.tracer_source()


def test_preferred_factory_is_called_with_the_api_type_and_used_as_is():
    made = RecordingSource()
    calls = []

    def factory(api_type):
        calls.append(api_type)
        return made

    trace.set_preferred_tracer_source_implementation(factory)
    assert trace.tracer_source() is made
    assert calls == [trace.TracerSource]


def test_get_tracer_returns_what_the_source_in_use_returns():
    tracer = trace.DefaultTracer()

    class Source(trace.TracerSource):
        def get_tracer(self, name, version=""):
            self.asked = (name, version)
            return tracer

    source = Source()
    trace.set_preferred_tracer_source_implementation(lambda T: source)
    trace.tracer_source()
    assert trace.get_tracer("lib", "1.0") is tracer
    assert source.asked == ("lib", "1.0")


def test_setting_a_preference_after_first_use_raises():
    trace.tracer_source()
    with pytest.raises(RuntimeError):
        trace.set_preferred_tracer_source_implementation(lambda T: RecordingSource())


def test_failing_factory_is_logged_and_the_no_op_used(caplog):
    def broken(api_type):
        raise ValueError("boom")

    trace.set_preferred_tracer_source_implementation(broken)
    with caplog.at_level(logging.ERROR):
        source = trace.tracer_source()
    assert type(source) is trace.DefaultTracerSource
    assert "boom" in caplog.text


def test_factory_returning_the_wrong_type_is_logged_and_the_no_op_used(caplog):
    trace.set_preferred_tracer_source_implementation(lambda T: object())
    with caplog.at_level(logging.ERROR):
        assert type(trace.tracer_source()) is trace.DefaultTracerSource
    assert "not a TracerSource" in caplog.text


def test_environment_module_wins_over_the_preference(monkeypatch):
    monkeypatch.setenv(loader.ENV_PREFIX + "TRACERSOURCE", __name__)
    trace.set_preferred_tracer_source_implementation(alternative_factory)
    source = trace.tracer_source()
    assert isinstance(source, RecordingSource)
    assert source.api_type is trace.TracerSource


def test_environment_accepts_module_colon_attribute(monkeypatch):
    monkeypatch.setenv(loader.ENV_PREFIX + "TRACERSOURCE", __name__ + ":alternative_factory")
    assert trace.tracer_source().api_type == "alternative"


def test_default_variable_is_used_when_the_specific_one_is_unset(monkeypatch):
    monkeypatch.setenv(loader.ENV_PREFIX + "DEFAULT", __name__)
    assert isinstance(trace.tracer_source(), RecordingSource)


def test_specific_variable_wins_over_default(monkeypatch):
    monkeypatch.setenv(loader.ENV_PREFIX + "DEFAULT", __name__)
    monkeypatch.setenv(loader.ENV_PREFIX + "TRACERSOURCE", __name__ + ":alternative_factory")
    assert trace.tracer_source().api_type == "alternative"


def test_environment_naming_a_missing_module_is_logged_and_the_no_op_used(monkeypatch, caplog):
    monkeypatch.setenv(loader.ENV_PREFIX + "TRACERSOURCE", "no_such_module_anywhere")
    with caplog.at_level(logging.ERROR):
        assert type(trace.tracer_source()) is trace.DefaultTracerSource
    assert "OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE" in caplog.text


def test_python_dash_E_ignores_the_environment(tmp_path):
    module = tmp_path / "env_impl.py"
    module.write_text(
        textwrap.dedent(
            """
            from opentelemetry import trace
            class Source(trace.TracerSource):
                pass
            def get_opentelemetry_implementation(api_type):
                return Source()
            """
        )
    )
    program = "from opentelemetry import trace; print(type(trace.tracer_source()).__name__)"
    env = {"OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE": "env_impl"}
    # The API's path comes from this interpreter; -E drops PYTHONPATH too, so pass it by sys.path.
    prelude = "import sys; sys.path[:0] = {!r}; ".format([str(tmp_path)] + sys.path)
    plain = subprocess.run(
        [sys.executable, "-c", prelude + program], env=env, capture_output=True, text=True
    )
    ignored = subprocess.run(
        [sys.executable, "-E", "-c", prelude + program], env=env, capture_output=True, text=True
    )
    assert plain.stdout.strip() == "Source", plain.stderr
    assert ignored.stdout.strip() == "DefaultTracerSource", ignored.stderr


def test_factory_returning_a_class_is_told_to_return_an_instance(caplog):
    trace.set_preferred_tracer_source_implementation(lambda T: RecordingSource)
    with caplog.at_level(logging.ERROR):
        assert type(trace.tracer_source()) is trace.DefaultTracerSource
    assert len(caplog.records) == 1
    assert "return an instance, e.g. lambda api_type: RecordingSource()" in caplog.text


def test_factory_returning_something_else_is_told_what_a_factory_returns(caplog):
    trace.set_preferred_tracer_source_implementation(lambda T: "source")
    with caplog.at_level(logging.ERROR):
        assert type(trace.tracer_source()) is trace.DefaultTracerSource
    assert "returns a TracerSource instance" in caplog.text


def test_a_source_given_where_its_factory_belongs_is_refused_at_once(caplog):
    trace.set_preferred_tracer_source_implementation(alternative_factory)
    with caplog.at_level(logging.ERROR):
        trace.set_preferred_tracer_source_implementation(RecordingSource())
    assert len(caplog.records) == 1
    assert "lambda api_type: source" in caplog.records[0].getMessage()
    assert "\n" not in caplog.records[0].getMessage()
    # The earlier preference stands.
    assert trace.tracer_source().api_type == "alternative"


def test_a_tracer_taken_while_the_source_loads_is_a_no_op_until_then_and_real_after():
    class RecordingTracer(trace.Tracer):
        def __init__(self):
            self.started = []

        def start_span(self, name, *args, **kwargs):
            self.started.append(name)
            return trace.INVALID_SPAN

    real = RecordingTracer()

    class Source(trace.TracerSource):
        def get_tracer(self, instrumenting_module_name, instrumenting_library_version=""):
            return real

    taken = []

    def factory(api_type):
        tracer = trace.tracer_source().get_tracer("early")  # re-entered while loading
        assert tracer.start_span("while-loading") is trace.INVALID_SPAN
        taken.append(tracer)
        return Source()

    trace.set_preferred_tracer_source_implementation(factory)
    trace.tracer_source()
    taken[0].start_span("after")
    taken[0].start_span("again")

    assert real.started == ["after", "again"]
