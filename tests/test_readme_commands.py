"""CI proves the README: .ci/run runs exactly the README's test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands():
    lines = (ROOT / "README.rst").read_text().splitlines()
    return [line.strip() for line in lines if line.strip().startswith("python3 -m venv .venv &&")]


def test_readme_gives_the_install_and_run_command_first_then_the_test_command():
    install, test = _readme_commands()[:2]
    assert install.endswith("python examples/quick_start.py")
    assert "./opentelemetry-api ./opentelemetry-sdk" in install
    assert test.endswith("python -m pytest") and "dev-requirements.txt" in test


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert _readme_commands()[1] in ci_lines
