"""ParentBasedSampler: roots by the root sampler, children by their parent, remote or local."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.context.propagation.tracecontexthttptextformat import TraceContextHTTPTextFormat
from opentelemetry.sdk.context.propagation import B3Format
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.sampling import ParentBasedSampler, TraceIdRatioSampler
from opentelemetry.trace import sampling

SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
NOT_SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.DEFAULT)


class Named(sampling.Sampler):
    """Answers sampled and says who answered, through the decision's attributes."""

    def __init__(self, name):
        self.name = name
        self.calls = []

    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        self.calls.append((parent_context, trace_id, span_id, name, attributes, links))
        return sampling.Decision(True, {"by": self.name})


def _sampler():
    return ParentBasedSampler(
        Named("root"),
        remote_parent_sampled=Named("remote_sampled"),
        remote_parent_not_sampled=Named("remote_not_sampled"),
        local_parent_sampled=Named("local_sampled"),
        local_parent_not_sampled=Named("local_not_sampled"),
    )


@pytest.mark.parametrize(
    "parent, expected",
    [
        (None, "root"),
        (trace_api.INVALID_SPAN_CONTEXT, "root"),
        (trace_api.SpanContext(1, 2, SAMPLED, is_remote=True), "remote_sampled"),
        (trace_api.SpanContext(1, 2, NOT_SAMPLED, is_remote=True), "remote_not_sampled"),
        (trace_api.SpanContext(1, 2, SAMPLED), "local_sampled"),
        (trace_api.SpanContext(1, 2, NOT_SAMPLED), "local_not_sampled"),
    ],
)
def test_each_case_asks_its_delegate(parent, expected):
    decision = _sampler().should_sample(parent, 7, 8, "s", {"a": 1}, ())
    assert decision.attributes == {"by": expected}


def test_the_delegate_gets_every_argument():
    sampler = _sampler()
    links = (trace_api.Link(trace_api.SpanContext(3, 4)),)
    sampler.should_sample(None, 7, 8, "s", {"a": 1}, links)
    assert sampler.root.calls == [(None, 7, 8, "s", {"a": 1}, links)]


def test_the_defaults_follow_the_parent():
    sampler = ParentBasedSampler(sampling.ALWAYS_OFF)
    for remote in (True, False):
        assert sampler.should_sample(trace_api.SpanContext(1, 2, SAMPLED, is_remote=remote), 1, 3, "s").sampled
        assert not sampler.should_sample(
            trace_api.SpanContext(1, 2, NOT_SAMPLED, is_remote=remote), 1, 3, "s"
        ).sampled
    assert not sampler.should_sample(None, 1, 3, "s").sampled


def test_a_delegate_that_is_not_a_sampler_is_logged_and_defaulted(caplog):
    with caplog.at_level(logging.WARNING):
        sampler = ParentBasedSampler("always", local_parent_not_sampled=3)  # type: ignore[arg-type]
    assert sampler.root is sampling.ALWAYS_ON
    assert sampler.local_parent_not_sampled is sampling.ALWAYS_OFF
    assert "root='always'" in caplog.text and "local_parent_not_sampled=3" in caplog.text


def test_extracted_contexts_are_remote_and_built_ones_are_not():
    headers = {"traceparent": "00-{:032x}-{:016x}-01".format(1, 2), "tracestate": "a=1"}
    getter = lambda carrier, name: [carrier[name]] if name in carrier else []  # noqa: E731
    assert TraceContextHTTPTextFormat().extract(getter, headers).is_remote is True
    assert TraceContextHTTPTextFormat().extract(getter, {"traceparent": headers["traceparent"]}).is_remote
    b3 = {"x-b3-traceid": "{:032x}".format(1), "x-b3-spanid": "{:016x}".format(2)}
    assert B3Format().extract(getter, b3).is_remote is True
    assert trace_api.SpanContext(1, 2).is_remote is False
    assert trace_api.SpanContext(1, 2) == trace_api.SpanContext(1, 2, is_remote=True)


def test_a_remote_parent_and_a_local_child_are_told_apart_by_the_tracer():
    remote_not_sampled = Named("remote_not_sampled")
    source = TracerSource(
        sampler=ParentBasedSampler(sampling.ALWAYS_ON, remote_parent_not_sampled=remote_not_sampled),
        shutdown_on_exit=False,
    )
    tracer = source.get_tracer("t")
    remote = trace_api.SpanContext(1, 2, NOT_SAMPLED, is_remote=True)
    with tracer.start_as_current_span("server", parent=remote) as server:
        assert server.is_recording_events()
        assert server.get_context().is_remote is False
        with tracer.start_as_current_span("inner") as inner:
            assert inner.is_recording_events()  # local, sampled parent
    assert len(remote_not_sampled.calls) == 1


@pytest.mark.parametrize(
    "parent",
    [
        trace_api.SpanContext(1, 2, SAMPLED, is_remote=True),
        trace_api.SpanContext(1, 2, NOT_SAMPLED, is_remote=True),
        trace_api.SpanContext(1, 2, SAMPLED),
        trace_api.SpanContext(1, 2, NOT_SAMPLED),
    ],
)
def test_a_child_delegate_is_asked_with_the_parent_context(parent):
    sampler = _sampler()
    sampler.should_sample(parent, 7, 8, "s", {"a": 1}, ())
    delegates = (
        sampler.remote_parent_sampled,
        sampler.remote_parent_not_sampled,
        sampler.local_parent_sampled,
        sampler.local_parent_not_sampled,
    )
    assert [call for delegate in delegates for call in delegate.calls] == [
        (parent, 7, 8, "s", {"a": 1}, ())
    ]


@pytest.mark.parametrize(
    "role, default",
    [
        ("root", sampling.ALWAYS_ON),
        ("remote_parent_sampled", sampling.ALWAYS_ON),
        ("remote_parent_not_sampled", sampling.ALWAYS_OFF),
        ("local_parent_sampled", sampling.ALWAYS_ON),
        ("local_parent_not_sampled", sampling.ALWAYS_OFF),
    ],
)
def test_each_delegate_that_is_not_a_sampler_is_named_in_the_log_and_defaulted(caplog, role, default):
    delegates = {"root": Named("root")}
    delegates[role] = "not a sampler"
    with caplog.at_level(logging.WARNING):
        sampler = ParentBasedSampler(**delegates)  # type: ignore[arg-type]
    assert getattr(sampler, role) is default
    assert caplog.text.count("not a Sampler") == 1
    assert "ParentBasedSampler {}='not a sampler' is not a Sampler".format(role) in caplog.text


class _DuckSampler:
    """Has should_sample but does not derive from Sampler, as a v0.3-era user sampler may."""

    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        return sampling.Decision(True, {"by": "duck"})


def test_a_delegate_with_should_sample_is_used_without_deriving_from_sampler(caplog):
    duck = _DuckSampler()
    with caplog.at_level(logging.WARNING):
        sampler = ParentBasedSampler(duck, local_parent_not_sampled=duck)  # type: ignore[arg-type]
    assert sampler.root is duck and sampler.local_parent_not_sampled is duck
    assert sampler.should_sample(None, 1, 2, "s").attributes == {"by": "duck"}
    assert caplog.records == []


def test_a_sampler_class_instead_of_an_instance_is_logged_and_defaulted(caplog):
    with caplog.at_level(logging.WARNING):
        sampler = ParentBasedSampler(_DuckSampler, remote_parent_sampled=Named)  # type: ignore[arg-type]
    assert sampler.root is sampling.ALWAYS_ON
    assert sampler.remote_parent_sampled is sampling.ALWAYS_ON
    assert "root=" in caplog.text and "remote_parent_sampled=" in caplog.text


class _ContextWithoutIsRemote:
    """A parent context from code that predates ``is_remote`` (v0.3's SpanContext had none)."""

    def __init__(self, sampled):
        self.trace_id = 1
        self.span_id = 2
        self.trace_options = SAMPLED if sampled else NOT_SAMPLED

    def is_valid(self):
        return True


@pytest.mark.parametrize("sampled, expected", [(True, "local_sampled"), (False, "local_not_sampled")])
def test_a_parent_context_without_is_remote_counts_as_local(sampled, expected):
    decision = _sampler().should_sample(_ContextWithoutIsRemote(sampled), 7, 8, "s")
    assert decision.attributes == {"by": expected}


def test_repr_names_the_root_sampler():
    sampler = ParentBasedSampler(TraceIdRatioSampler(0.5))
    assert repr(sampler) == "ParentBasedSampler(root=TraceIdRatioSampler(0.5))"
