"""What each hot-path trick buys: one ``timeit`` per trick, against the plain way.

Run ``python benchmarks/micro.py`` (``--number N`` for fewer iterations). Each row
times the statement the source uses and the straightforward statement it
replaces, on our packages only, and prints nanoseconds per call for both. A
trick whose two columns are close is a candidate for removal; the source
line that carries it says why it is there.
"""

import argparse
import binascii
import collections
import os
import re
import sys
import threading
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _src in ("opentelemetry-api/src", "opentelemetry-sdk/src"):
    sys.path.insert(0, os.path.join(ROOT, _src))

from opentelemetry import trace as trace_api  # noqa: E402
from opentelemetry.sdk.metrics import Counter, Meter  # noqa: E402
from opentelemetry.sdk.trace import Span, TracerSource  # noqa: E402
from opentelemetry.sdk.trace import tracer as sdk_tracer  # noqa: E402
from opentelemetry.sdk.trace import attributes as sdk_attributes  # noqa: E402
from opentelemetry.sdk.trace import ids, span as sdk_span  # noqa: E402
from opentelemetry.sdk.trace.export import (  # noqa: E402
    SimpleExportSpanProcessor,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
from opentelemetry.trace import sampling, span_context, trace_state  # noqa: E402


class _Trick:
    """One trick: where it lives, the statement used, the one it replaces."""

    def __init__(self, name, where, trick, plain, setup=None):
        self.name, self.where, self.trick, self.plain = name, where, trick, plain
        self.setup = setup or (lambda: {})


def _span_setup():
    context = trace_api.SpanContext(1, 2)
    return {"span": Span("s", context), "context": context}


def _processor_setup():
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    processor = SimpleExportSpanProcessor(exporter)
    source.add_span_processor(processor)
    chain = source._active_span_processor
    span = source.get_tracer("micro").start_span("s")
    span.end()
    exporter.clear()
    # Keep the in-memory exporter from growing during the run.
    exporter.export = lambda spans: SpanExportResult.SUCCESS
    return {"chain": chain, "processor": processor, "span": span}


def _inject_setup():
    state = trace_api.TraceState.from_header([_TRACESTATE])
    state.to_header()
    context = trace_api.SpanContext(
        0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x53995C3F42CD8AD8, trace_api.TraceOptions(1), state
    )
    return {
        "context": context,
        "trace_id": context.trace_id,
        "span_id": context.span_id,
        "trace_state": state,
        "INVALID": 0,
        "flags": "01",
    }


# A realistic incoming tracestate (benchmark g-tracestate): two vendors' members.
_TRACESTATE = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE"


def _tracestate_setup():
    key = trace_state._KEY.replace("}+", "}")
    value = trace_state._VALUE.replace("}+", "}")
    member = key + "=" + value
    backtracking = re.compile(
        "({k})=({v})(?:,({k})=({v})(,{m}(?:,{m}){{0,29}})?)?\\Z".format(k=key, v=value, m=member)
    )
    header = _TRACESTATE
    return {
        "header": header,
        "pattern": trace_state._CANONICAL_HEADER_PATTERN,
        "backtracking": backtracking,
        "match": trace_state._CANONICAL_HEADER_PATTERN.match(header),
        "new": dict.__new__,
        "init": dict.__init__,
        "set_default": dict.setdefault,
        "TraceState": trace_api.TraceState,
    }


def _remote_context_setup():
    return {
        "remote": span_context._remote_span_context,
        "SpanContext": trace_api.SpanContext,
        "options": trace_api.TraceOptions(1),
        "state": trace_api.TraceState([("rojo", "1")]),
    }


def _metric_setup():
    meter = Meter()
    counter = meter.create_metric("c", "", "1", int, Counter, ("k",), monotonic=True)
    label_set = meter.get_label_set({"k": "v"})
    return {"counter": counter, "label_set": label_set, "handle": counter.get_handle(label_set)}


TRICKS = [
    _Trick(
        "end guard: one list.pop instead of a lock",
        "sdk/trace/span.py Span.start/end",
        "guard = [True]; guard.pop()",
        "with lock:\n    ended = True",
        lambda: {"lock": threading.Lock()},
    ),
    _Trick(
        "ids inline: getrandbits, the zero id handled by the call",
        "sdk/trace/tracer.py Tracer.start_span",
        "random_bits(64) or generate_span_id()",
        "generate_span_id()",
        lambda: {"random_bits": ids.random_bits, "generate_span_id": ids.generate_span_id},
    ),
    _Trick(
        "SDK parent checked inline",
        "sdk/trace/tracer.py Tracer.start_span",
        "c = parent.context if type(parent) is Span else None\n"
        "ok = c.trace_id and c.span_id",
        "valid_parent_context(parent)",
        lambda: {
            "parent": _span_setup()["span"],
            "Span": Span,
            "valid_parent_context": sdk_tracer._valid_parent_context,
        },
    ),
    _Trick(
        "sampler attributes tested by identity",
        "sdk/trace/tracer.py Tracer.start_span",
        "a is not NONE and a is not None",
        "bool(a)",
        lambda: {
            "a": sampling.Decision(True).attributes,
            "NONE": sdk_tracer._NO_SAMPLER_ATTRIBUTES,
        },
    ),
    _Trick(
        "the span is its own scope",
        "sdk/trace/tracer.py Tracer.start_as_current_span",
        "span._scope = tracer",
        "CurrentSpanScope(span, var, True)",
        lambda: {
            "span": _span_setup()["span"],
            "tracer": object(),
            "CurrentSpanScope": sdk_tracer._CurrentSpanScope,
            "var": TracerSource(shutdown_on_exit=False)._current_span_var,
        },
    ),
    _Trick(
        "exact scalar types by set membership",
        "sdk/trace/attributes.py SCALAR_TYPES",
        "type(v) in SCALAR_TYPES",
        "isinstance(v, (str, bool, int, float)) and clean(v) is not None",
        lambda: {
            "v": 3,
            "SCALAR_TYPES": sdk_attributes.SCALAR_TYPES,
            "clean": sdk_attributes.clean_attribute_value,
        },
    ),
    _Trick(
        "no links by identity with ()",
        "sdk/trace/span.py Span.__init__",
        "links is NO_LINKS",
        "type(links) in (list, tuple) and not links",
        lambda: {"links": (), "NO_LINKS": sdk_span._NO_LINKS},
    ),
    _Trick(
        "one processor called directly, not through the chain",
        "sdk/trace/span_processor.py MultiSpanProcessor",
        "processor.on_end(span)",
        "chain.on_end(span)",
        _processor_setup,
    ),
    _Trick(
        "batch queue: deque.append without a lock",
        "sdk/trace/export/batch_span_processor.py on_end",
        "queue.append(1)",
        "with lock:\n    queue.append(1)",
        lambda: {"queue": collections.deque(maxlen=2048), "lock": threading.Lock()},
    ),
    _Trick(
        "OTLP/JSON ids: bytes.hex",
        "sdk/trace/export/otlp/_json_encoding.py",
        "i.to_bytes(8, 'big').hex()",
        "format(i, '016x')",
        lambda: {"i": 0xEEE19B7EC3C1B174},
    ),
    _Trick(
        "inject: SpanContext.is_valid() inline",
        "api/context/propagation/tracecontexthttptextformat.py inject",
        "context.trace_id == INVALID or context.span_id == INVALID",
        "not context.is_valid()",
        _inject_setup,
    ),
    _Trick(
        "inject: traceparent as an f-string of to_bytes().hex()",
        "api/context/propagation/tracecontexthttptextformat.py inject",
        "f\"00-{trace_id.to_bytes(16, 'big').hex()}-{span_id.to_bytes(8, 'big').hex()}-{flags}\"",
        "('00-%032x-%016x-00', '00-%032x-%016x-01')[1] % (trace_id, span_id)",
        _inject_setup,
    ),
    _Trick(
        "inject: the cached tracestate header read, not called",
        "api/context/propagation/tracecontexthttptextformat.py inject",
        "trace_state._header",
        "trace_state.to_header()",
        _inject_setup,
    ),
    _Trick(
        "tracestate: possessive repeats in the header pattern",
        "api/trace/trace_state.py _KEY, _VALUE, _CANONICAL_HEADER_PATTERN",
        "pattern.match(header)",
        "backtracking.match(header)",
        _tracestate_setup,
    ),
    _Trick(
        "tracestate: two members from the match, not a split",
        "api/trace/trace_state.py _from_canonical_header",
        "k, v, k2, v2, more = match.groups()\nts = new(TraceState)\n"
        "set_default(ts, k, v)\nset_default(ts, k2, v2)",
        "kv = header.replace('=', ',').split(',')\npairs = iter(kv)\n"
        "ts = new(TraceState)\ninit(ts, zip(pairs, pairs))",
        _tracestate_setup,
    ),
    _Trick(
        "tracestate: entries stored by dict.setdefault",
        "api/trace/trace_state.py _from_canonical_header",
        "ts = new(TraceState)\nset_default(ts, k, v)\nset_default(ts, k2, v2)",
        "ts = new(TraceState)\nupdate(ts, {k: v, k2: v2})",
        lambda: {
            "new": dict.__new__,
            "set_default": dict.setdefault,
            "update": dict.update,
            "TraceState": trace_api.TraceState,
            "k": "dd",
            "v": "s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4",
            "k2": "congo",
            "v2": "t61rcWkgMzE",
        },
    ),
    _Trick(
        "extract: an id by unhexlify and from_bytes",
        "api/context/propagation/tracecontexthttptextformat.py extract",
        "from_bytes(unhexlify(digits), 'big')",
        "int(digits, 16)",
        lambda: {
            "digits": "4bf92f3577b34da6a3ce929d0e0e4736",
            "from_bytes": int.from_bytes,
            "unhexlify": binascii.unhexlify,
        },
    ),
    _Trick(
        "extract: a remote SpanContext's slots filled directly",
        "api/trace/span_context.py _remote_span_context",
        "remote(1, 2, options, state)",
        "SpanContext(1, 2, options, state, True)",
        _remote_context_setup,
    ),
    _Trick(
        "counter handle: the usual value checked inline",
        "sdk/metrics/handles.py CounterHandle.add",
        "handle.add(1)",
        "handle._update(handle._checked(1))",
        _metric_setup,
    ),
    _Trick(
        "Counter.add: get_handle inlined",
        "sdk/metrics/metric.py Counter.add",
        "counter.add(1, label_set)",
        "counter.get_handle(label_set).add(1)",
        _metric_setup,
    ),
]


def _nanoseconds(statement, namespace, number):
    timer = timeit.Timer(statement, globals=namespace)
    return min(timer.repeat(3, number)) / number * 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=200_000, help="calls per timing")
    args = parser.parse_args(argv)
    print("{:<56} {:>9} {:>9}  {}".format("trick", "trick ns", "plain ns", "where"))
    for trick in TRICKS:
        namespace = trick.setup()
        used = _nanoseconds(trick.trick, namespace, args.number)
        plain = _nanoseconds(trick.plain, namespace, args.number)
        print("{:<56} {:>9.1f} {:>9.1f}  {}".format(trick.name, used, plain, trick.where))


if __name__ == "__main__":
    main()
