"""Importing the packages stays cheap: no ``typing`` at runtime, aliases built on use.

Import time is a benchmarked feature (scenario j). ``typing`` alone costs a few
milliseconds, so the modules that ``import opentelemetry.sdk.trace`` loads keep it
for the type checker only, and the public type aliases that need it are built on
first access.
"""

import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from opentelemetry import trace
from opentelemetry.trace import tracer as tracer_module
from opentelemetry.util import loader

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "opentelemetry-api" / "src", ROOT / "opentelemetry-sdk" / "src"]


@pytest.mark.parametrize("module", ["opentelemetry.trace", "opentelemetry.sdk.trace"])
def test_importing_does_not_load_typing(module):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, SOURCES)))
    program = (
        "import sys, " + module + "\n"
        "print([m for m in ('typing', 'opentelemetry.util.types') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_parent_span_alias_is_the_union_of_span_span_context_and_none():
    expected = typing.Optional[typing.Union[trace.Span, trace.SpanContext]]
    assert trace.ParentSpan == expected
    assert tracer_module.ParentSpan is trace.ParentSpan
    from opentelemetry.trace import ParentSpan

    assert ParentSpan is trace.ParentSpan


def test_tracer_source_factory_alias_takes_the_type_and_returns_a_source():
    expected = typing.Callable[[typing.Type[trace.TracerSource]], trace.TracerSource]
    alias = trace.TracerSourceFactory
    assert alias == expected
    # Built on first use, then kept as a module global: later reads skip the builder.
    assert vars(trace)["TracerSourceFactory"] is alias


def test_implementation_factory_alias_is_generic_in_the_api_type():
    alias = loader.ImplementationFactory
    (type_var,) = alias.__parameters__
    assert isinstance(type_var, typing.TypeVar)
    assert alias == typing.Callable[[typing.Type[type_var]], type_var]
    # Built on first use, then kept as a module global: later reads skip the builder.
    assert vars(loader)["ImplementationFactory"] is alias


@pytest.mark.parametrize("module", [trace, tracer_module, loader])
def test_unknown_module_attribute_still_raises_attribute_error(module):
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
