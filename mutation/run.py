"""Mutation testing of the core modules: how many deliberate bugs the tests catch.

For each module named on the command line (default: all of ``MODULES``) this
stages a copy of both packages' sources and of the tests in
``mutation/.work/<module>/`` (never touching the checkout), runs ``mutmut``
there over that one module with only the tests that exercise it, and prints the
module's score (killed mutants / all mutants) and every surviving mutant as a
diff. ``tox -e mutation`` runs it; it is not part of the suite or CI (it takes
minutes per module). The method, the latest scores and the equivalent mutants
are in ``docs/testing.rst``.

Log-call lines are not mutated: the wording of a diagnostic is not a promise
(that a message is logged, at which level, naming what was dropped, is; tests
pin that).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / ".work"

_API_SRC = "opentelemetry-api/src/opentelemetry"
_SDK_SRC = "opentelemetry-sdk/src/opentelemetry/sdk"
_API_TESTS = "opentelemetry-api/tests"
_SDK_TESTS = "opentelemetry-sdk/tests"
_PROPAGATION_TESTS = [_API_TESTS, "tests/test_w3c_trace_context.py"]
_METRICS_TESTS = f"{_SDK_TESTS}/metrics"
_OTLP_TESTS = [
    f"{_SDK_TESTS}/trace/export/otlp/test_otlp_round_trip.py",
    f"{_SDK_TESTS}/trace/export/otlp/test_otlp_batch_export.py",
    f"{_SDK_TESTS}/trace/export/otlp/test_otlp_span_mapping.py",
    f"{_SDK_TESTS}/trace/export/otlp/test_otlp_responses.py",
    f"{_SDK_TESTS}/trace/export/otlp/test_protobuf_encoding.py",
]

# module name -> (its file inside the merged ``src/opentelemetry`` tree, the tests that exercise it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "api.trace_state": ("trace/trace_state.py", _PROPAGATION_TESTS),
    "api.tracecontext": (
        "context/propagation/tracecontexthttptextformat.py",
        _PROPAGATION_TESTS,
    ),
    "api.span_context": ("trace/span_context.py", [_API_TESTS, _SDK_TESTS]),
    "api.span": ("trace/span.py", [_API_TESTS, _SDK_TESTS]),
    "api.tracer": ("trace/tracer.py", [_API_TESTS, _SDK_TESTS]),
    "api.base_context": ("context/base_context.py", [_API_TESTS, _SDK_TESTS]),
    "api.async_context": ("context/async_context.py", [_API_TESTS, _SDK_TESTS]),
    "api.sampling": ("trace/sampling.py", [_API_TESTS, _SDK_TESTS]),
    "sdk.span": ("sdk/trace/span.py", [_SDK_TESTS]),
    "sdk.tracer": ("sdk/trace/tracer.py", [_SDK_TESTS]),
    "sdk.span_processor": ("sdk/trace/span_processor.py", [_SDK_TESTS]),
    "sdk.sampling": ("sdk/trace/sampling.py", [_SDK_TESTS]),
    "sdk.limits": ("sdk/trace/limits.py", [_SDK_TESTS]),
    "sdk.bounded": ("sdk/trace/_bounded.py", [_SDK_TESTS]),
    "sdk.attributes": ("sdk/trace/attributes.py", [_SDK_TESTS]),
    "sdk.simple_span_processor": (
        "sdk/trace/export/simple_span_processor.py",
        [f"{_SDK_TESTS}/trace/export"],
    ),
    "sdk.batch_span_processor": (
        "sdk/trace/export/batch_span_processor.py",
        [f"{_SDK_TESTS}/trace/export"],
    ),
    "sdk.b3_format": (
        "sdk/context/propagation/b3_format.py",
        [f"{_SDK_TESTS}/context/propagation/test_b3_format.py"],
    ),
    "otlp.span_mapping": ("sdk/trace/export/otlp/_span_mapping.py", _OTLP_TESTS),
    "otlp.json_encoding": (
        "sdk/trace/export/otlp/_json_encoding.py",
        [*_OTLP_TESTS, f"{_SDK_TESTS}/trace/export/otlp/test_json_encoding.py"],
    ),
    "otlp.protobuf_encoding": ("sdk/trace/export/otlp/_protobuf_encoding.py", _OTLP_TESTS),
    "otlp.encoding_failures": (
        "sdk/trace/export/otlp/_encoding_failures.py",
        [*_OTLP_TESTS, f"{_SDK_TESTS}/trace/export/otlp/test_json_encoding.py"],
    ),
    "metrics.metric": ("sdk/metrics/metric.py", [_METRICS_TESTS]),
    "metrics.handles": ("sdk/metrics/handles.py", [_METRICS_TESTS]),
    "metrics.meter": ("sdk/metrics/meter.py", [_METRICS_TESTS]),
    "metrics.label_set": ("sdk/metrics/label_set.py", [_METRICS_TESTS]),
    "metrics.environment_setup": ("sdk/metrics/environment_setup.py", [_METRICS_TESTS]),
    "metrics.aggregate": ("sdk/metrics/export/aggregate.py", [_METRICS_TESTS]),
    "metrics.batcher": ("sdk/metrics/export/batcher.py", [_METRICS_TESTS]),
    "metrics.controller": ("sdk/metrics/export/controller.py", [_METRICS_TESTS]),
}

# Lines of a logging call (its first line, or a format string on a line of its own).
_LOG_LINE_PATTERNS = [
    r"\b_?log(ger)?\.(debug|info|warning|error|exception|critical)\(",
    r"\breport_(exception|failure)\(",  # the rate-limited reports of util/_error_handler.py
    r"^\s*\"[^\"]*%[-.\d]*[rsdx][^\"]*\",?\s*$",
    r"^\s*\"[^\"]*%[-.\d]*[rsdx][^\"]*\",",
]
_RESULT_LINE = re.compile(r"^\s*(\S+__mutmut_\d+): (\w[\w ]*)$")
_DETECTED = ("killed", "timeout", "killed in a fresh process")
# Mutants no test could kill, each with the reason (docs/testing.rst explains the kinds).
EQUIVALENT_FILE = Path(__file__).resolve().parent / "equivalent.txt"
# Mutants mutmut cannot switch on, each with the tests that kill it in a fresh process.
FRESH_PROCESS_FILE = Path(__file__).resolve().parent / "fresh_process.txt"
_FRESH_PROCESS_TIMEOUT = 600.0


def load_equivalent() -> dict[str, str]:
    """Mutant name -> why it is equivalent, from ``equivalent.txt`` (``name  # reason``)."""
    equivalent = {}
    for line in EQUIVALENT_FILE.read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            equivalent[name.strip()] = reason.strip()
    return equivalent


def load_fresh_process() -> dict[str, list[str]]:
    """Mutant name -> the test paths to run it with, from ``fresh_process.txt``.

    mutmut switches a mutant on in a process forked from one that has already
    imported everything, and maps each mutant to the tests that reached its
    function there. Code that runs only while a module is imported, or only in
    the child of a fork a test makes, is therefore never switched on or never
    mapped to a test: mutmut reports it as surviving (or as having no tests).
    Such a mutant is listed here (``name  test_path ...  # what the tests see``)
    and run again in a fresh pytest process with the mutant set in the
    environment from the start, where it is on in imports and in children.
    """
    fresh = {}
    for line in FRESH_PROCESS_FILE.read_text().splitlines():
        fields = line.partition("#")[0].split()
        if fields:
            fresh[fields[0]] = fields[1:]
    return fresh


def _pytest_fresh(stage: Path, mutant: str, tests: list[str]) -> int:
    """Run ``tests`` on the mutated tree in a new process with ``mutant`` on; the exit code."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH="src", MUTANT_UNDER_TEST=mutant)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", *tests],
            cwd=stage / "mutants",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=_FRESH_PROCESS_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1
    return done.returncode


def _kill_in_fresh_processes(stage: Path, statuses: dict[str, str]) -> None:
    """Re-run the listed mutants mutmut could not switch on; mark those the tests fail on.

    The tests must pass with no mutant first (else a failure would prove
    nothing); a mutant then counts as killed only if they fail (pytest's exit
    code 1), not if they cannot run.
    """
    passing: dict[tuple[str, ...], bool] = {}
    for name, tests in load_fresh_process().items():
        if name not in statuses or statuses[name] in _DETECTED:
            continue
        key = tuple(tests)
        if key not in passing:
            passing[key] = _pytest_fresh(stage, "", tests) == 0
            if not passing[key]:
                print(f"  fresh process: {' '.join(tests)} fail unmutated; not used", flush=True)
        if passing[key] and _pytest_fresh(stage, name, tests) == 1:
            statuses[name] = "killed in a fresh process"


def _stage(module: str, path: str, tests: list[str]) -> Path:
    """Copy the merged sources and the tests into a fresh folder with mutmut's configuration."""
    stage = WORK / module
    shutil.rmtree(stage, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "*.egg-info")
    shutil.copytree(ROOT / _API_SRC, stage / "src" / "opentelemetry", ignore=ignore)
    shutil.copytree(ROOT / _SDK_SRC, stage / "src" / "opentelemetry" / "sdk", ignore=ignore)
    # The packages also where they sit in a checkout: tests that start a
    # subprocess put these on its path (the subprocess runs unmutated code).
    for folder in (_API_TESTS, _SDK_TESTS, "tests", _API_SRC, _SDK_SRC):
        shutil.copytree(ROOT / folder, stage / folder, ignore=ignore)
    for extra in ("conftest.py", "examples", "README.rst", "dev-requirements.txt"):
        source = ROOT / extra
        if source.is_dir():
            shutil.copytree(source, stage / extra, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, stage / extra)

    def _toml_list(items: list[str]) -> str:
        # TOML literal strings: no escapes, so regular expressions stay as written.
        return "[" + ", ".join(f"'{item}'" for item in items) + "]"

    copied = [_API_TESTS, _SDK_TESTS, _API_SRC, _SDK_SRC, "conftest.py", "examples", "README.rst"]
    (stage / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        'addopts = "--import-mode=importlib -p no:cacheprovider --hypothesis-profile=mutation"\n'
        'pythonpath = ["tests/support"]\n'
        'filterwarnings = ["error::pytest.PytestUnraisableExceptionWarning"]\n\n'
        "[tool.mutmut]\n"
        'source_paths = ["src/"]\n'
        f'only_mutate = ["src/opentelemetry/{path}"]\n'
        f"also_copy = {_toml_list(copied)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        f"do_not_mutate_patterns = {_toml_list(_LOG_LINE_PATTERNS)}\n"
    )
    return stage


def _mutmut(stage: Path, *args: str, timeout: float) -> str:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TERM="dumb")
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=stage,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout


def run_module(
    module: str, children: int, timeout: float, show: bool
) -> tuple[int, int, list[str]]:
    """Mutate one module; return (killed, total, survivor names)."""
    path, tests = MODULES[module]
    stage = _stage(module, path, tests)
    started = time.monotonic()
    output = _mutmut(stage, "run", "--max-children", str(children), timeout=timeout)
    if "failed to collect stats" in output or "Stopping early" in output:
        print(output[-3000:])
        print(f"{module}: the tests do not pass unmutated here (see above); no score", flush=True)
        return 0, 0, []
    results = _mutmut(stage, "results", "--all", "true", timeout=120)
    statuses = {}
    for line in results.splitlines():
        match = _RESULT_LINE.match(line)
        if match:
            statuses[match.group(1)] = match.group(2)
    if not statuses:
        print(f"{module}: mutmut reported no mutants", flush=True)
        return 0, 0, []
    _kill_in_fresh_processes(stage, statuses)
    equivalent = load_equivalent()
    # A mutant that makes the tests hang (mutmut's timeout) was noticed too.
    not_killed = sorted(name for name, status in statuses.items() if status not in _DETECTED)
    survivors = [name for name in not_killed if name not in equivalent]
    counted = len(statuses) - (len(not_killed) - len(survivors))
    killed = counted - len(survivors)
    elapsed = time.monotonic() - started
    fresh = sum(status == "killed in a fresh process" for status in statuses.values())
    print(
        f"{module}: {killed}/{counted} killed, score {100.0 * killed / counted:.1f} % "
        f"({len(statuses)} mutants, {len(statuses) - counted} equivalent, "
        f"{fresh} killed in a fresh process; {elapsed:.0f} s)",
        flush=True,
    )
    for name in survivors:
        print(f"  {statuses[name]}: {name}")
        if show:
            diff = _mutmut(stage, "show", name, timeout=60)
            for line in diff.splitlines():
                if line[:1] in "+-" and line[:3] not in ("+++", "---"):
                    print(f"      {line}")
    return killed, counted, survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--children", type=int, default=1, help="parallel mutants (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds allowed per module (default 1800)"
    )
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--keep", action="store_true", help="keep mutation/.work/ afterwards")
    options = parser.parse_args()
    unknown = [name for name in options.modules if name not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {', '.join(MODULES)}")
    total_killed = total = 0
    for module in options.modules or list(MODULES):
        killed, count, _ = run_module(module, options.children, options.timeout, options.show)
        total_killed += killed
        total += count
        if not options.keep:
            shutil.rmtree(WORK / module, ignore_errors=True)
    if total:
        print(f"overall: {total_killed}/{total} killed, score {100.0 * total_killed / total:.1f} %")


if __name__ == "__main__":
    main()
