"""The documented quick start, run verbatim in a fresh interpreter, checked line by line."""

import datetime
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICK_START = ROOT / "examples" / "quick_start.py"
SEED = ROOT.parent / "shared" / "seeds" / "tracing-quick-start.md"

_CONTEXT = r"SpanContext\(trace_id=0x(?P<{p}trace>[0-9a-f]{{32}}), span_id=0x(?P<{p}span>[0-9a-f]{{16}}), trace_state=\{{\}}\)"
_TIME = r"(?P<{p}>\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{6}})Z"
CONTEXT_LINE = re.compile(
    r"AsyncRuntimeContext\(\{'current_span': Span\(name=\"baz\", context="
    + _CONTEXT.format(p="")
    + r"\)\}\)\Z"
)
SPAN_LINE = re.compile(
    r"Span\(name=\"(?P<name>\w+)\", context="
    + _CONTEXT.format(p="")
    + r", kind=SpanKind\.INTERNAL, parent=(?:None|Span\(name=\"(?P<parent>\w+)\", context="
    + _CONTEXT.format(p="parent_")
    + r"\)), start_time="
    + _TIME.format(p="start")
    + ", end_time="
    + _TIME.format(p="end")
    + r"\)\Z"
)


def _run(path: Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, env=env, timeout=60
    )


def _time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f")


# The SHA-256 of the documented program: checks the example is verbatim in a
# checkout without shared/ beside it (CI's fresh clone), where the seed
# itself cannot be read.
DOCUMENTED_SHA256 = "44d214460a4262e72613ee20453993725bcdca6c329a3cb948dbbc2759c9b6d3"


def test_example_is_the_documented_program_verbatim():
    assert hashlib.sha256(QUICK_START.read_bytes()).hexdigest() == DOCUMENTED_SHA256


@pytest.mark.skipif(not SEED.exists(), reason="shared/seeds is not beside this checkout")
def test_the_recorded_digest_is_the_seeds_program():
    documented = SEED.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    assert hashlib.sha256(documented.encode()).hexdigest() == DOCUMENTED_SHA256


def test_quick_start_prints_context_then_spans_innermost_first():
    result = _run(QUICK_START)
    assert result.returncode == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 4

    context = CONTEXT_LINE.match(lines[0])
    assert context, lines[0]
    spans = [SPAN_LINE.match(line) for line in lines[1:]]
    assert all(spans), lines[1:]
    assert [s["name"] for s in spans] == ["baz", "bar", "foo"]
    assert [s["parent"] for s in spans] == ["bar", "foo", None]

    # One trace; distinct span ids; each parent reference is the parent's id.
    trace_ids = {s["trace"] for s in spans} | {s["parent_trace"] for s in spans[:2]}
    assert trace_ids == {context["trace"]}
    span_ids = [s["span"] for s in spans]
    assert len(set(span_ids)) == 3
    assert context["span"] == span_ids[0]
    assert spans[0]["parent_span"] == span_ids[1]
    assert spans[1]["parent_span"] == span_ids[2]

    # Each child's times lie inside its parent's, and every span ends after it starts.
    times = [(_time(s["start"]), _time(s["end"])) for s in spans]
    for start, end in times:
        assert start <= end
    for (child_start, child_end), (parent_start, parent_end) in zip(times, times[1:]):
        assert parent_start <= child_start and child_end <= parent_end
