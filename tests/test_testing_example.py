"""The documented way to test instrumented code works: its example passes under pytest."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_testing_example_passes_under_pytest():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(ROOT / "examples" / "testing_instrumented_code.py")],
        cwd=ROOT / "examples", capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
