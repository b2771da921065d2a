"""The packages import and the quick start runs on the oldest and newest Pythons here.

The suite itself runs on one interpreter; this catches syntax or typing
constructs that only newer Pythons accept. An interpreter not on the machine
is skipped.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "opentelemetry-api" / "src", ROOT / "opentelemetry-sdk" / "src"]


def _interpreter(version):
    for candidate in (
        shutil.which("python" + version),
        *sorted(Path("/root/.pyenv/versions").glob(version + ".*/bin/python" + version)),
    ):
        if candidate and subprocess.run([str(candidate), "-c", "pass"], capture_output=True).returncode == 0:
            return str(candidate)
    return None


@pytest.mark.parametrize("version", ["3.9", "3.13"])
def test_every_module_imports_and_quick_start_runs(version):
    python = _interpreter(version)
    if python is None:
        pytest.skip("Python {} is not installed here".format(version))
    modules = sorted(
        ".".join(path.relative_to(src).with_suffix("").parts).replace(".__init__", "")
        for src in SOURCES
        for path in src.rglob("*.py")
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, SOURCES)))
    env.pop("PYENV_VERSION", None)
    program = "import importlib\nfor m in {!r}:\n    importlib.import_module(m)\n".format(modules)
    imported = subprocess.run([python, "-S", "-c", program], env=env, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    quick = subprocess.run(
        [python, "-S", str(ROOT / "examples" / "quick_start.py")], env=env, capture_output=True, text=True
    )
    assert quick.returncode == 0 and quick.stderr == "", quick.stderr
    assert len(quick.stdout.splitlines()) == 4


# One W3C hop: the tracestate patterns differ by version (possessive repeats
# from 3.11 on), and int.to_bytes/from_bytes need their byte order before 3.11.
_HOP = """
from opentelemetry.context.propagation.tracecontexthttptextformat import TraceContextHTTPTextFormat
from opentelemetry.trace import DefaultSpan, TraceState
parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
state = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE,rojo=1"
headers = {"traceparent": parent, "tracestate": state}
context = TraceContextHTTPTextFormat.extract(lambda c, n: [c[n]] if n in c else [], headers)
sent = {}
TraceContextHTTPTextFormat.inject(DefaultSpan(context), dict.__setitem__, sent)
assert sent == headers, sent
assert len(TraceState.from_header(["a=1 ,b=x" + " " * 3 + ",c=" + "v" * 257])) == 0
assert dict(TraceState.from_header([" a=1 ,b=2"])) == {"a": "1", "b": "2"}
"""


@pytest.mark.parametrize("version", ["3.9", "3.13"])
def test_a_w3c_hop_round_trips(version):
    python = _interpreter(version)
    if python is None:
        pytest.skip("Python {} is not installed here".format(version))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, SOURCES)))
    env.pop("PYENV_VERSION", None)
    done = subprocess.run([python, "-S", "-c", _HOP], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
