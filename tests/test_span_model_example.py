"""The span model example runs in a fresh interpreter and prints what its docs page shows."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "span_model.py"
PAGE = ROOT / "docs" / "span-model.rst"


def _documented_output() -> str:
    """The output block after "It prints, on every run:" on the docs page."""
    block = PAGE.read_text().split("It prints, on every run:\n\n.. code-block:: text\n\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip("\n") + "\n"


def test_span_model_example_prints_the_documented_output():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == _documented_output()
    # The facts the page explains, checked apart from the text.
    assert "dropped: 1" in result.stdout  # the fifth attribute evicted the oldest
    assert "'cart.items': ['book', 'pen']" in result.stdout  # a copy, not the caller's list
    assert "unsampled: DefaultSpan valid context: True sampled: False exported spans: 2" in (
        result.stdout
    )
