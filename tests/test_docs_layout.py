"""The docs read on a laptop: code samples fit the theme's column without scrolling sideways.

Furo's content column shows about 85 characters of code; 79 leaves room for the
block's padding. Program output (``.. code-block:: text``) is exempt: the theme's
stylesheet (``docs/_static/wrap-output.css``) wraps it instead, since it must stay
the program's exact text.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COLUMN = 79
GUIDES = sorted(DOCS.glob("*.rst"))


def _indented_block(lines: list[str], start: int) -> list[str]:
    """The lines of the indented block that begins after ``lines[start]``."""
    block = []
    for line in lines[start + 1:]:
        if line.strip() and not line.startswith((" ", "\t")):
            break
        block.append(line)
    return block


def _included(directive_line: str, options: list[str], page: Path) -> list[str]:
    """The lines a ``literalinclude`` shows: the whole file or one ``:pyobject:``."""
    source = (page.parent / directive_line.split("::", 1)[1].strip()).resolve()
    text = source.read_text()
    names = [o.split(":pyobject:", 1)[1].strip() for o in options if ":pyobject:" in o]
    if not names:
        return text.splitlines()
    node: ast.AST = ast.parse(text)
    for part in names[0].split("."):
        node = next(
            child for child in ast.iter_child_nodes(node)
            if getattr(child, "name", None) == part
        )
    assert isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return text.splitlines()[start - 1:node.end_lineno]


def _code_samples(page: Path) -> list[tuple[int, list[str]]]:
    """Each code sample on the page (line number, its lines), program output left out."""
    lines = page.read_text().splitlines()
    samples = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(".. literalinclude::"):
            options = [o for o in _indented_block(lines, number) if o.strip().startswith(":")]
            samples.append((number + 1, ["    " + x for x in _included(stripped, options, page)]))
        elif stripped.startswith(".. code-block::"):
            if stripped.split("::", 1)[1].strip() != "text":
                samples.append((number + 1, _indented_block(lines, number)))
        elif stripped.endswith("::") and not stripped.startswith(".."):
            samples.append((number + 1, _indented_block(lines, number)))
    return samples


@pytest.mark.parametrize("page", GUIDES, ids=[p.name for p in GUIDES])
def test_code_samples_fit_the_column(page):
    too_long = [
        f"{page.name}:{number}: {len(shown)} chars: {shown.strip()[:60]}"
        for number, block in _code_samples(page)
        for shown in (line[4:] for line in block if not line.lstrip().startswith(":"))
        if len(shown) > COLUMN
    ]
    assert not too_long, "\n".join(too_long)


def test_the_theme_is_one_made_for_reference_documentation():
    conf = (DOCS / "conf.py").read_text()
    assert 'html_theme = "furo"' in conf
    assert "furo" in (ROOT / "dev-requirements.txt").read_text()


def test_every_module_the_architecture_page_names_exists():
    page = (DOCS / "architecture.rst").read_text()
    api = ROOT / "opentelemetry-api" / "src"
    sdk = ROOT / "opentelemetry-sdk" / "src" / "opentelemetry" / "sdk"
    named = set(re.findall(r"``([\w/]+\.py)``", page))
    assert len(named) > 20
    missing = []
    for path in sorted(named):
        if path.startswith("opentelemetry/"):
            candidates = [api / path]
        elif "/" in path:
            candidates = [sdk / path]
        else:  # a file of the folder the step is about
            candidates = list(sdk.rglob(path))
        if not any(candidate.is_file() for candidate in candidates):
            missing.append(path)
    assert not missing, missing
