"""The benchmarks run: every scenario, a few iterations, our side only.

No figure is asserted beyond its presence and type: speed is what the benchmarks
report, never what a test checks (a loaded machine makes any bound flaky).
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN_PY = ROOT / "benchmarks" / "run.py"

_spec = importlib.util.spec_from_file_location("benchmarks_run", RUN_PY)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# Scenario k encodes a batch of 512 spans per iteration.
FEW = {"h": 200, "i-plain": 50, "i-attrs": 50, "j": 1, "k-protobuf": 2, "k-json": 2}
TIMED_KEYS = [s.key for s in bench.SCENARIOS if s.key not in FEW]
FLOOR_KEYS = [s.key for s in bench.SCENARIOS if s.has_floor]
def _ours(key, iterations=20):
    return bench.run_child("ours", key, FEW.get(key, iterations), 1)


@pytest.mark.parametrize("key", TIMED_KEYS)
def test_timed_scenario_runs_on_our_side(key):
    result = _ours(key)
    assert result["status"] == "ok"  # "not built yet" fails: every scenario exists on our side
    assert isinstance(result["value"], float)


def test_batch_scenario_counts_every_span():
    result = _ours("h")
    assert result["status"] == "ok"
    assert result["ended"] == 2 * FEW["h"]
    assert result["exported"] + result["dropped"] == result["ended"]
    assert result["dropped_reported"] == result["dropped"]


@pytest.mark.parametrize("key", ["i-plain", "i-attrs"])
def test_memory_scenario_measures_retained_spans(key):
    result = _ours(key)
    assert result["status"] == "ok"
    assert result["value"] > 0


def test_attributes_make_retained_spans_bigger():
    assert _ours("i-attrs")["value"] > _ours("i-plain")["value"]


@pytest.mark.parametrize("key", ["k-protobuf", "k-json"])
def test_otlp_encoding_scenario_reports_microseconds_per_span(key):
    result = _ours(key)
    assert result["status"] == "ok"
    assert isinstance(result["value"], float)


def test_otlp_json_scenario_has_no_reference_side():
    assert [s.key for s in bench.select(["k"]) if not s.has_reference] == ["k-json"]


def test_import_scenario_times_a_fresh_import():
    result = _ours("j")
    assert result["status"] == "ok"
    assert isinstance(result["value"], float)


@pytest.mark.parametrize("key", FLOOR_KEYS)
def test_floor_runs_without_opentelemetry(key):
    result = bench.run_child("floor", key, 20, 1)
    assert result["status"] == "ok"
    assert result["origin"] is None


@pytest.mark.skipif(
    not bench.reference_installed(bench.default_reference_dir()),
    reason="the reference is not installed (python benchmarks/run.py installs it)",
)
@pytest.mark.parametrize("key", [s.key for s in bench.SCENARIOS if s.has_reference])
def test_reference_scenario_runs_when_installed(key):
    reference_dir = bench.default_reference_dir()
    result = bench.run_child("reference", key, FEW.get(key, 20), 1, reference_dir)
    assert result["status"] == "ok"
    assert result["origin"]["sdk"].startswith(os.path.realpath(reference_dir))


def test_child_reports_where_opentelemetry_came_from():
    origin = _ours("b")["origin"]
    assert Path(origin["api"]).is_relative_to(ROOT / "opentelemetry-api" / "src")
    assert Path(origin["sdk"]).is_relative_to(ROOT / "opentelemetry-sdk" / "src")


def test_origin_from_the_other_side_is_rejected(tmp_path):
    reference = str(tmp_path / "reference")
    ours = {"api": bench.OUR_PATHS[0] + "/opentelemetry/trace/__init__.py",
            "sdk": bench.OUR_PATHS[1] + "/opentelemetry/sdk/trace/__init__.py"}
    bench.check_origin("ours", ours)
    with pytest.raises(bench.IsolationError, match="expected under"):
        bench.check_origin("reference", ours, reference)
    with pytest.raises(bench.IsolationError, match="floor child imported"):
        bench.check_origin("floor", ours)
    with pytest.raises(bench.IsolationError, match="did not import"):
        bench.check_origin("ours", None)


def test_failing_child_raises_with_its_error_output():
    # The floor has no no-op API scenario, so its child fails.
    with pytest.raises(bench.BenchmarkError, match="floor child for scenario a failed") as caught:
        bench.run_child("floor", "a", 1, 1)
    assert "setup_a" in str(caught.value)
    assert not isinstance(caught.value, bench.IsolationError)


def test_child_environment_holds_one_side_and_no_settings(monkeypatch):
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    monkeypatch.setenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE", "x")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = bench.child_env("ours")
    assert env["PYTHONPATH"].split(os.pathsep) == list(bench.OUR_PATHS)
    assert not [name for name in env if name.startswith(("OTEL_", "OPENTELEMETRY_"))]
    assert bench.child_env("reference", "/ref")["PYTHONPATH"] == "/ref"
    assert bench.child_env("floor")["PYTHONPATH"] == ""


def _offline(tmp_path):
    return dict(
        os.environ,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(tmp_path),
        PIP_CONFIG_FILE=os.devnull,
    )


def test_reference_folder_with_other_packages_is_installed_afresh(tmp_path):
    target = tmp_path / "reference"
    target.mkdir()
    marker = target / ".installed"
    marker.write_text(bench.REFERENCE_VERSION + "\n")  # before the OTLP encoder joined
    assert not bench.reference_installed(str(target))
    # pip runs (and, offline, fails) instead of the old folder being used.
    installed, reason = bench.install_reference(str(target), env=_offline(tmp_path))
    assert installed is None and reason.startswith("pip install failed")
    marker.write_text("\n".join(bench._requirements(bench.REFERENCE_VERSION)) + "\n")
    assert bench.reference_installed(str(target))
    assert bench.install_reference(str(target)) == (str(target), None)  # no pip run
    assert not bench.reference_installed(str(tmp_path / "missing"))


def test_unknown_scenario_is_refused():
    with pytest.raises(SystemExit):
        bench.select(["z"])
    assert [s.key for s in bench.select(["i"])] == ["i-plain", "i-attrs"]


def test_without_network_our_side_runs_alone_and_says_why(tmp_path):
    output = tmp_path / "latest.json"
    offline = _offline(tmp_path)
    completed = subprocess.run(
        [sys.executable, str(RUN_PY), "--quick", "--repeats", "1", "--scenario", "b",
         "--output", str(output), "--reference-dir", str(tmp_path / "reference")],
        capture_output=True, text=True, env=offline, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Reference not available, running our side alone: pip install failed" in (
        completed.stdout
    )
    assert not (tmp_path / "reference").exists()
    results = json.loads(output.read_text())
    assert results["reference"]["available"] is False
    [row] = results["scenarios"]
    assert row["key"] == "b" and isinstance(row["ours"]["best"], float) and "reference" not in row
    assert isinstance(row["floor"]["best"], float)


def test_micro_benchmarks_time_every_trick_both_ways():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "micro.py"), "--number", "10"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = result.stdout.splitlines()[1:]
    assert len(rows) >= 10
    # Each row names the file that carries the trick, in the SDK or the API.
    package_roots = {
        "sdk": "opentelemetry-sdk/src/opentelemetry/sdk",
        "api": "opentelemetry-api/src/opentelemetry",
    }
    for row in rows:
        timed, package, where = re.split(r"  (sdk|api)/", row)
        trick_ns, plain_ns = timed.split()[-2:]
        # Figures only: their size is the benchmark's business, not a test's.
        assert float(trick_ns) >= 0 and float(plain_ns) >= 0, row
        assert (ROOT / package_roots[package] / where.split()[0]).is_file(), row
