"""The API's samplers: thresholds on the trace id and the parent's sampled flag."""

import logging
import random

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.trace import sampling

_SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
_SAMPLED_PARENT = trace_api.SpanContext(1, 2, _SAMPLED)
_UNSAMPLED_PARENT = trace_api.SpanContext(1, 2, trace_api.TraceOptions.get_default())
_LOW_64_BITS = (1 << 64) - 1


def _sampled(sampler, trace_id=1, parent=None):
    return sampler.should_sample(parent, trace_id, 0xABC, "name").sampled


def test_decision_defaults_to_not_sampled_without_attributes():
    decision = sampling.Decision()
    assert decision.sampled is False
    assert dict(decision.attributes) == {}
    assert repr(sampling.Decision(True, {"a": 1})) == "Decision(sampled=True, attributes={'a': 1})"


@pytest.mark.parametrize("rate", [0.0, 1e-9, 0.25, 1 / 3, 0.5, 0.999, 1.0])
def test_bound_is_rate_times_two_to_the_64_rounded(rate):
    sampler = sampling.ProbabilitySampler(rate)
    assert sampler.bound == round(rate * 2**64)
    assert sampling.ProbabilitySampler.get_bound_for_rate(rate) == round(rate * 2**64)


@pytest.mark.parametrize("rate", [1e-9, 0.25, 1 / 3, 0.5, 0.999])
def test_root_is_sampled_exactly_when_low_64_bits_are_below_the_bound(rate):
    sampler = sampling.ProbabilitySampler(rate)
    bound = sampler.bound
    high = 0xFFFF_0000_FFFF_0000 << 64  # the high half of the trace id plays no part
    assert _sampled(sampler, high | (bound - 1))
    assert not _sampled(sampler, high | bound)
    assert _sampled(sampler, 0 | (bound - 1))
    assert not _sampled(sampler, _LOW_64_BITS)


def test_rate_zero_samples_no_root_and_rate_one_every_root():
    assert not _sampled(sampling.ProbabilitySampler(0.0), 1 << 64)  # low bits all zero
    assert not _sampled(sampling.ProbabilitySampler(0), 1)
    assert _sampled(sampling.ProbabilitySampler(1.0), _LOW_64_BITS)
    assert _sampled(sampling.ProbabilitySampler(1), (1 << 128) - 1)


def test_samplers_of_one_rate_agree_on_every_trace():
    generator = random.Random(5)
    trace_ids = [generator.getrandbits(128) for _ in range(2000)]
    first = [_sampled(sampling.ProbabilitySampler(0.3), t) for t in trace_ids]
    second = [_sampled(sampling.ProbabilitySampler(0.3), t) for t in trace_ids]
    assert first == second


def test_fraction_sampled_is_close_to_the_rate():
    generator = random.Random(7)
    sampler = sampling.ProbabilitySampler(0.25)
    hits = sum(_sampled(sampler, generator.getrandbits(128)) for _ in range(20000))
    assert abs(hits / 20000 - 0.25) < 0.02


def test_probability_sampler_follows_a_parent_whatever_the_rate():
    assert _sampled(sampling.ProbabilitySampler(0.0), _LOW_64_BITS, _SAMPLED_PARENT)
    assert not _sampled(sampling.ProbabilitySampler(1.0), 0, _UNSAMPLED_PARENT)


def test_default_on_samples_roots_and_follows_the_parent():
    assert _sampled(sampling.DEFAULT_ON, _LOW_64_BITS)
    assert _sampled(sampling.DEFAULT_ON, parent=_SAMPLED_PARENT)
    assert not _sampled(sampling.DEFAULT_ON, parent=_UNSAMPLED_PARENT)


def test_default_off_samples_no_root_and_follows_the_parent():
    assert not _sampled(sampling.DEFAULT_OFF, 1)
    assert _sampled(sampling.DEFAULT_OFF, parent=_SAMPLED_PARENT)
    assert not _sampled(sampling.DEFAULT_OFF, parent=_UNSAMPLED_PARENT)


def test_always_on_and_always_off_ignore_the_parent():
    for parent in (None, _SAMPLED_PARENT, _UNSAMPLED_PARENT):
        assert _sampled(sampling.ALWAYS_ON, _LOW_64_BITS, parent)
        assert not _sampled(sampling.ALWAYS_OFF, 0, parent)


def test_static_sampler_returns_its_decision_with_attributes():
    decision = sampling.Decision(True, {"sampler": "static"})
    sampler = sampling.StaticSampler(decision)
    assert sampler.should_sample(None, 1, 2, "n", None, ()) is decision


def test_changing_the_rate_moves_the_bound():
    sampler = sampling.ProbabilitySampler(0.0)
    sampler.rate = 0.5
    assert sampler.rate == 0.5 and sampler.bound == 2**63
    assert _sampled(sampler, 2**63 - 1) and not _sampled(sampler, 2**63)


@pytest.mark.parametrize(
    "rate, used",
    [
        ("0.5", 0.0),
        (None, 0.0),
        (-0.5, 0.0),
        (1.5, 1.0),
        (float("nan"), 0.0),
        (float("inf"), 1.0),
        (-(10**400), 0.0),
        (10**400, 1.0),
        (True, 1.0),
        (False, 0.0),
    ],
    ids=repr,
)
def test_a_rate_outside_zero_to_one_is_logged_and_clamped(caplog, rate, used):
    with caplog.at_level(logging.WARNING):
        sampler = sampling.ProbabilitySampler(rate)
    assert sampler.rate == used and type(sampler.rate) is float
    assert sampler.bound == round(used * 2**64)
    assert "is not a number from 0 to 1" in caplog.text


def test_the_base_sampler_is_abstract():
    with pytest.raises(NotImplementedError):
        sampling.Sampler().should_sample(None, 1, 2, "n")
