"""Side-by-side benchmarks: this project against opentelemetry-sdk from PyPI, and the floor.

Run ``python benchmarks/run.py`` (``--help`` for the options). The reference
packages are installed with ``pip install --target`` into
``benchmarks/.reference/<version>``, never into the running environment:
both libraries use the ``opentelemetry`` namespace. Each measurement runs in
its own ``python -S`` child (``child.py``) whose ``PYTHONPATH`` holds one side
only; the sides alternate (ours, reference, floor, ours, ...) and the best of
the repeats counts. With no network the reference cannot be installed, and
our side runs alone with the reason printed.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCHMARKS)
CHILD = os.path.join(BENCHMARKS, "child.py")
REFERENCE_VERSION = "1.45.2"
# The reference's OTLP encoder (scenario k) comes with the SDK into the same folder.
REFERENCE_PACKAGES = (
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-common",
)
OUR_PATHS = (
    os.path.join(ROOT, "opentelemetry-api", "src"),
    os.path.join(ROOT, "opentelemetry-sdk", "src"),
)
DEFAULT_OUTPUT = os.path.join(BENCHMARKS, "results", "latest.json")
NOT_BUILT = "n/a (not built yet)"
_INSTALLED_MARKER = ".installed"


class BenchmarkError(Exception):
    """A child failed: its scenario has no result."""


class IsolationError(BenchmarkError):
    """A child imported the other side's packages: no figure of the run can be trusted."""


class Scenario:
    """One row of the table: what is measured, how much, and the issue's target.

    ``max_ratio`` ``None``: no target, the ratio is for information.
    """

    def __init__(
        self, key, label, unit, iterations, quick_iterations, max_ratio,
        max_floor_multiple=None, has_floor=False, rounds=3, has_reference=True,
    ):
        self.key = key
        self.label = label
        self.unit = unit
        self.iterations = iterations
        self.quick_iterations = quick_iterations
        self.max_ratio = max_ratio
        self.max_floor_multiple = max_floor_multiple
        self.has_floor = has_floor
        self.rounds = rounds
        self.has_reference = has_reference

    @property
    def group(self):
        """The letter the issue gives the scenario (``i`` has two rows)."""
        return self.key[0]

    def target_text(self):
        if self.key == "h":
            return ">=4x spans/s, drops <= ref"
        if self.max_ratio is None:
            return "none"
        text = "<={:.2f}".format(self.max_ratio)
        if self.max_floor_multiple is not None:
            text += ", <={}x floor".format(self.max_floor_multiple)
        return text

    def repeats(self, requested):
        if self.key == "h":
            return min(requested, 3)  # seconds per child; drops are summed over all
        if self.group == "i":
            return min(requested, 2)  # memory per span barely varies
        if self.key == "j":
            return requested * 2  # a child is cheap, the figure noisy
        return requested


SCENARIOS = [
    Scenario("a", "a. no-op API span (no SDK)", "ns/op", 50_000, 2_000, 0.10),
    Scenario("b", "b. SDK span, no processor", "ns/op", 20_000, 1_000, 0.15, 2.5, True),
    Scenario("c", "c. SDK span, simple processor", "ns/op", 20_000, 1_000, 0.15, 2.5, True),
    Scenario("d", "d. three nested spans", "ns/op", 5_000, 300, 0.15, 2.5, True),
    Scenario("e", "e. span with 10 attributes", "ns/op", 10_000, 500, 0.20, has_floor=True),
    Scenario("f", "f. start_span().end()", "ns/op", 20_000, 1_000, 0.15, 2.5, True),
    Scenario("g", "g. W3C inject + extract", "ns/op", 30_000, 1_000, 0.30),
    Scenario("g-tracestate", "g. W3C hop, vendor tracestate", "ns/op", 30_000, 1_000, 0.30),
    Scenario("h", "h. batch, 2 threads x N spans", "ns/span", 100_000, 5_000, 0.25, rounds=1),
    Scenario("i-plain", "i. memory/span, no attributes", "B/span", 100_000, 5_000, 0.25, rounds=1),
    Scenario("i-attrs", "i. memory/span, 10 attributes", "B/span", 100_000, 5_000, 0.25, rounds=1),
    Scenario("j", "j. import opentelemetry.sdk.trace", "ms", 1, 1, 0.30, rounds=1),
    Scenario("k-protobuf", "k. OTLP encode, protobuf", "µs/span", 50, 3, None),
    Scenario("k-json", "k. OTLP encode, JSON", "µs/span", 50, 3, None, has_reference=False),
    Scenario("l-handle", "l. SDK handle.add(1)", "ns/op", 200_000, 5_000, 0.25),
    Scenario("l-counter", "l. SDK counter.add(1, label_set)", "ns/op", 200_000, 5_000, 0.25),
    Scenario("l-noop", "l. no-op API counter.add vs SDK add", "ns/op", 200_000, 5_000, 0.10),
    Scenario("l-noop-api", "l. no-op API counter.add vs no-op", "ns/op", 200_000, 5_000, None),
]
SCENARIO_KEYS = [scenario.key for scenario in SCENARIOS]


def select(names):
    """The scenarios named (``i``, ``k`` and ``l`` select all of their rows), in table order."""
    if not names:
        return list(SCENARIOS)
    unknown = set(names) - set(SCENARIO_KEYS) - {s.group for s in SCENARIOS}
    if unknown:
        raise SystemExit("unknown scenario(s): {}".format(", ".join(sorted(unknown))))
    return [s for s in SCENARIOS if s.key in names or s.group in names]


# -- the reference -----------------------------------------------------------


def default_reference_dir(version=REFERENCE_VERSION):
    return os.path.join(BENCHMARKS, ".reference", version)


def _requirements(version):
    return ["{}=={}".format(package, version) for package in REFERENCE_PACKAGES]


def reference_installed(target, version=REFERENCE_VERSION):
    """Whether ``target`` holds a finished install of exactly today's reference packages.

    The marker file lists the requirements installed, so a folder from before
    a package joined the list (or of another version) is installed afresh.
    """
    try:
        with open(os.path.join(target, _INSTALLED_MARKER)) as marker:
            return marker.read().split() == _requirements(version)
    except OSError:
        return False


def install_reference(target, version=REFERENCE_VERSION, env=None):
    """Install the reference into ``target`` unless already there.

    Returns ``(target, None)`` or ``(None, reason)``. A half-finished install
    is never used: pip writes into a temporary folder, moved into place when
    it succeeds.
    """
    if reference_installed(target, version):
        return target, None
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".installing-", dir=parent)
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-input",
        "--disable-pip-version-check", "--target", staging,
    ] + _requirements(version)
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=600, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(staging, ignore_errors=True)
        return None, "pip could not run: {}".format(error)
    if completed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR")] or lines[-1:]
        return None, "pip install failed (no network?): {}".format(
            " / ".join(errors) or "exit status {}".format(completed.returncode)
        )
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    with open(os.path.join(target, _INSTALLED_MARKER), "w") as marker:
        marker.write("\n".join(_requirements(version)) + "\n")
    return target, None


# -- children ----------------------------------------------------------------


def _side_paths(side, reference_dir):
    if side == "ours":
        return list(OUR_PATHS)
    if side == "reference":
        return [reference_dir]
    return []


def child_env(side, reference_dir=None):
    """The environment of a child: one side on PYTHONPATH, no stray settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "OTEL_", "OPENTELEMETRY_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(_side_paths(side, reference_dir))
    return env


def _is_under(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


def check_origin(side, origin, reference_dir=None):
    """Raise :class:`IsolationError` unless the child imported ``side``'s packages."""
    if side == "floor":
        if origin is not None:
            raise IsolationError("the floor child imported opentelemetry: {}".format(origin))
        return
    if origin is None:
        raise IsolationError("the {} child did not import opentelemetry".format(side))
    if side == "ours":
        expected = {"api": OUR_PATHS[0], "sdk": OUR_PATHS[1]}
    else:
        expected = {"api": reference_dir, "sdk": reference_dir}
    for part, folder in expected.items():
        if not _is_under(origin[part], folder):
            raise IsolationError(
                "the {} child imported opentelemetry {} from {}, expected under {}".format(
                    side, part, origin[part], folder
                )
            )


def run_child(side, scenario_key, iterations, rounds=1, reference_dir=None):
    """Run one measurement in a fresh ``python -S``; its result, origin checked."""
    command = [sys.executable, "-S", CHILD, side, scenario_key, str(iterations), str(rounds)]
    completed = subprocess.run(
        command, capture_output=True, text=True, env=child_env(side, reference_dir),
        cwd=ROOT, timeout=900,
    )
    if completed.returncode != 0:
        raise BenchmarkError(
            "{} child for scenario {} failed (exit {}):\n{}".format(
                side, scenario_key, completed.returncode, completed.stderr.strip()
            )
        )
    try:
        result = json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BenchmarkError(
            "{} child for scenario {} printed no result:\n{}{}".format(
                side, scenario_key, completed.stdout, completed.stderr
            )
        ) from None
    check_origin(side, result["origin"], reference_dir)
    return result


# -- measuring ---------------------------------------------------------------


def _best(runs):
    values = [run["value"] for run in runs if run["status"] == "ok"]
    return min(values) if values else None


def measure(scenario, sides, repeats, quick, reference_dir, log):
    """Alternate the sides' children ``repeats`` times; every run and the best."""
    iterations = scenario.quick_iterations if quick else scenario.iterations
    runs = {side: [] for side in sides}
    if scenario.key == "j":
        for side in sides:  # an untimed first import writes the bytecode caches
            run_child(side, "j", 1, 1, reference_dir)
    for repeat in range(scenario.repeats(repeats)):
        for side in sides:
            if runs[side] and runs[side][-1]["status"] != "ok":
                continue  # not built yet: asking again tells nothing new
            result = run_child(side, scenario.key, iterations, scenario.rounds, reference_dir)
            runs[side].append(result)
            log(
                "  {} {} run {}: {}".format(
                    scenario.key, side, repeat + 1,
                    result["status"] if result["status"] != "ok" else round(result["value"], 1),
                )
            )
    measured = {"iterations": iterations}
    for side in sides:
        status = runs[side][-1]["status"] if runs[side] else "not run"
        measured[side] = {"best": _best(runs[side]), "status": status, "runs": runs[side]}
    return measured


def evaluate(scenario, measured):
    """Ratio to the reference, multiple of the floor, and each target check that applies."""
    ours = measured.get("ours", {}).get("best")
    reference = measured.get("reference", {}).get("best")
    floor = measured.get("floor", {}).get("best")
    ratio = ours / reference if ours is not None and reference else None
    floor_multiple = ours / floor if ours is not None and floor else None
    checks = {}
    if ratio is not None and scenario.max_ratio is not None:
        checks["ratio"] = ratio <= scenario.max_ratio
        if scenario.key == "h":
            checks["drops"] = _dropped(measured["ours"]) <= _dropped(measured["reference"])
    if scenario.key == "h" and ours is not None:
        # Every span is exported or counted as dropped by the processor itself.
        checks["counters"] = all(
            run["dropped_reported"] == run["dropped"] for run in measured["ours"]["runs"]
        )
    if scenario.max_floor_multiple is not None and floor_multiple is not None:
        checks["floor"] = floor_multiple <= scenario.max_floor_multiple
    passed = all(checks.values()) if "ratio" in checks else None
    return {"ratio": ratio, "floor_multiple": floor_multiple, "checks": checks, "pass": passed}


def verdict_text(checks, info=False):
    """``pass``, or ``FAIL`` and the checks that failed; ``-`` with nothing to compare.

    ``info`` for a scenario with no target (``info=True``).
    """
    if info:
        return "info"
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        return "FAIL ({})".format(", ".join(failed))
    if "ratio" not in checks:
        return "floor ok" if checks else "-"
    return "pass"


def _dropped(side_result):
    return sum(run["dropped"] for run in side_result["runs"] if run["status"] == "ok")


# -- reporting ---------------------------------------------------------------


def machine_description():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "system": "{} {} {}".format(platform.system(), platform.release(), platform.machine()),
        "python": "{} {}".format(platform.python_implementation(), platform.python_version()),
        "load_average_1min": load,
    }


def _format_value(value, unit):
    if value is None:
        return "-"
    if unit == "ms":
        return "{:.1f}".format(value)
    if unit == "µs/span":
        return "{:.2f}".format(value)
    return "{:,.0f}".format(value)


def _cell(measured, side, unit):
    result = measured.get(side)
    if result is None:
        return "-"
    if result["status"] == "not built yet":
        return NOT_BUILT
    return _format_value(result["best"], unit)


def table(rows):
    """The results as a reStructuredText simple table (it reads as plain text too)."""
    header = ["scenario", "unit", "ours", "reference", "floor", "ours/ref", "ours/floor",
              "target", "result"]
    lines = []
    for scenario, measured, verdict in rows:
        ratio, multiple = verdict["ratio"], verdict["floor_multiple"]
        lines.append([
            scenario.label,
            scenario.unit,
            _cell(measured, "ours", scenario.unit),
            _cell(measured, "reference", scenario.unit),
            _cell(measured, "floor", scenario.unit),
            "-" if ratio is None else "{:.3f}".format(ratio),
            "-" if multiple is None else "{:.2f}x".format(multiple),
            scenario.target_text(),
            verdict_text(verdict["checks"], info=scenario.max_ratio is None),
        ])
    widths = [max(len(row[i]) for row in [header] + lines) for i in range(len(header))]
    rule = "  ".join("=" * width for width in widths)

    def render(row):
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()

    return "\n".join([rule, render(header), rule] + [render(row) for row in lines] + [rule])


def batch_notes(rows):
    """Scenario h in words: spans per second and spans dropped, per side."""
    notes = []
    for scenario, measured, _ in rows:
        if scenario.key != "h":
            continue
        for side in ("ours", "reference"):
            result = measured.get(side)
            if result is None or result["status"] != "ok":
                continue
            runs = [run for run in result["runs"] if run["status"] == "ok"]
            ended = sum(run["ended"] for run in runs)
            dropped = _dropped(result)
            note = "h {}: best {:,.0f} spans/s, {:,} of {:,} spans dropped ({:.2%})".format(
                side, max(run["spans_per_second"] for run in runs), dropped, ended,
                dropped / ended,
            )
            reported = [run["dropped_reported"] for run in runs]
            if side == "ours" and reported != [run["dropped"] for run in runs]:
                note += "; MISMATCH: processor reported {} dropped".format(reported)
            notes.append(note)
    return notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few iterations, two repeats")
    parser.add_argument("--ours-only", action="store_true", help="skip the reference")
    parser.add_argument(
        "--scenario", action="append", metavar="X",
        help="run only this scenario (a-k; repeatable)",
    )
    parser.add_argument("--repeats", type=int, help="children per side (default 5, quick 2)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument(
        "--reference-dir", default=default_reference_dir(),
        help="where the reference is installed (pip --target)",
    )
    args = parser.parse_args(argv)
    scenarios = select(args.scenario)
    repeats = args.repeats or (2 if args.quick else 5)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    reference_dir, reason = None, "--ours-only"
    if not args.ours_only:
        log("Installing {} into {} ...".format(
            ", ".join(_requirements(REFERENCE_VERSION)), args.reference_dir))
        reference_dir, reason = install_reference(args.reference_dir)
        if reference_dir is None:
            print("Reference not available, running our side alone: {}".format(reason))

    rows = []
    errors = []
    for scenario in scenarios:
        sides = ["ours"]
        if reference_dir is not None and scenario.has_reference:
            sides.append("reference")
        if scenario.has_floor:
            sides.append("floor")
        log("Scenario {} ...".format(scenario.label))
        try:
            measured = measure(scenario, sides, repeats, args.quick, reference_dir, log)
        except IsolationError as error:
            raise SystemExit("benchmark aborted, the sides mixed: {}".format(error)) from None
        except BenchmarkError as error:
            errors.append("{}: {}".format(scenario.label, error))
            continue
        rows.append((scenario, measured, evaluate(scenario, measured)))

    machine = machine_description()
    print()
    print(
        "Machine: {cpu} ({cpus} CPUs), {system}; {python}; load average {load}".format(
            load="-" if machine["load_average_1min"] is None
            else "{:.2f}".format(machine["load_average_1min"]),
            **machine,
        )
    )
    print("Reference: opentelemetry-api/-sdk/-exporter-otlp-proto-common {}{}".format(
        REFERENCE_VERSION, "" if reference_dir else " (not run: {})".format(reason)))
    print("Best of {} alternating children per side{}.".format(
        repeats, ", --quick" if args.quick else ""))
    print()
    print(table(rows))
    for note in batch_notes(rows):
        print(note)

    results = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "machine": machine,
        "reference": {
            "version": REFERENCE_VERSION,
            "available": reference_dir is not None,
            "reason": None if reference_dir else reason,
        },
        "repeats": repeats,
        "quick": args.quick,
        "errors": errors,
        "scenarios": [
            dict(
                key=scenario.key,
                label=scenario.label,
                unit=scenario.unit,
                target=scenario.target_text(),
                **measured,
                **verdict,
            )
            for scenario, measured, verdict in rows
        ],
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as output:
        json.dump(results, output, indent=2)
        output.write("\n")
    print("\nResults written to {}".format(os.path.abspath(args.output)))
    if errors:
        print("\nScenarios that failed, left out of the table:\n" + "\n".join(errors))
        sys.exit(1)
    return results


if __name__ == "__main__":
    main()
