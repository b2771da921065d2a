"""Every entry of the v0.3 public API exists here with a compatible call shape.

``v0.3-public-api.md`` beside this file is a copy of the project's
specification (``shared/reference/v0.3-public-api.md``): every public module,
name, signature and class member of the v0.3 ``opentelemetry-api`` and
``opentelemetry-sdk`` packages, the instance attributes v0.3 code reads, and
the names v0.3 modules re-export. Each entry is one test. A call shape is
compatible when v0.3 code calling it works unchanged: the same parameter
names in the same positions, a default wherever v0.3 has one (the same value
where v0.3's is a literal), extra parameters only with defaults, and static
and class methods still callable on the class.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import os
import re

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_REFERENCE = os.path.join(_HERE, "v0.3-public-api.md")

def _shared_reference():
    """The project's specification in ``shared/`` beside the checkout (or its worktree folder)."""
    folder = os.path.dirname(os.path.dirname(_HERE))  # the repository
    for _ in range(3):
        folder = os.path.dirname(folder)
        candidate = os.path.join(folder, "shared", "reference", "v0.3-public-api.md")
        if os.path.exists(candidate):
            return candidate
    return None


_SHARED_REFERENCE = _shared_reference()

# -- reading the reference ----------------------------------------------------


class Entry:
    """One checkable line of the reference."""

    def __init__(self, module, kind, name, owner=None, signature=None, value=None, extra=None):
        self.module = module
        self.kind = kind
        self.name = name
        self.owner = owner
        self.signature = signature
        self.value = value
        self.extra = extra

    @property
    def id(self):
        where = self.module + ("." + self.owner if self.owner else "")
        return "{}:{}:{}".format(where, self.kind, self.name)


def _split_call(text):
    """``name(params) -> ret`` into name, params text (or None without parentheses)."""
    start = text.find("(")
    if start < 0:
        return text.strip(), None
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return text[:start].strip(), text[start + 1 : index]
    raise ValueError("unbalanced: " + text)


def _split_top_level(text, separator):
    parts, depth, current = [], 0, []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if depth == 0 and text.startswith(separator, index):
            parts.append("".join(current))
            current = []
            index += len(separator)
            continue
        current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


class Param:
    """A parameter as the reference writes it: ``name[: annotation][ = default]``."""

    def __init__(self, text):
        text = text.strip()
        self.has_default = False
        self.default_text = None
        head = text
        # The default follows the first top-level " = " (an empty default is "= " at the end).
        parts = _split_top_level(text + " ", " = ")
        if len(parts) > 1:
            head = parts[0]
            self.has_default = True
            self.default_text = " = ".join(parts[1:]).strip()
        elif ":" not in text and "=" in text:  # unannotated, written name=default
            head, _, default = text.partition("=")
            self.has_default = True
            self.default_text = default.strip()
        self.name = head.split(":")[0].strip()
        self.kind = "positional"
        if self.name == "*":
            self.kind = "keyword-marker"
        elif self.name.startswith("**"):
            self.kind = "var-keyword"
            self.name = self.name[2:]
        elif self.name.startswith("*"):
            self.kind = "var-positional"
            self.name = self.name[1:]

    def literal_default(self):
        """The default as a Python value, or the marker ``...`` when it is not a literal."""
        if self.default_text == "":
            return ""
        try:
            return ast.literal_eval(self.default_text)
        except (ValueError, SyntaxError):
            return ...


def _params(signature_text):
    if signature_text is None or signature_text.strip() in ("", "..."):
        return [] if signature_text is not None and not signature_text.strip() else None
    return [Param(part) for part in _split_top_level(signature_text, ", ")]


_MODULE_HEADER = re.compile(r"^## `([\w.]+)`$")
_CLASS_LINE = re.compile(r"^- class `(.+?)`(?: — bases: (.*?))?(?:\s+\(defined in `[\w.]+`\))?$")
_FUNCTION_LINE = re.compile(r"^- function `(.+)`$")
_CONSTANT_LINE = re.compile(r"^- `(\w+)`: (\w+) = `?(.*?)`?$")
_MEMBER_LINE = re.compile(r"^    - (?:(classmethod|staticmethod|property|attribute) )?`(.+?)`(?: = `(.*)`)?$")
_INSTANCE_LINE = re.compile(r"^- `([\w.]+)`: (.+)$")


def read_reference(path=_REFERENCE):
    """The reference's entries, in order."""
    entries = []
    module = None
    section = "modules"
    current_class = None
    with open(path, encoding="utf-8") as reference:
        for raw in reference:
            line = raw.rstrip("\n")
            if line.startswith("## Instance attributes"):
                section, module = "instance", None
                continue
            if line.startswith("## Names v0.3 modules re-export"):
                section, module = "reexport", None
                continue
            if section == "instance":
                match = _INSTANCE_LINE.match(line)
                if match:
                    path_, names = match.groups()
                    module_name, class_name = path_.rsplit(".", 1)
                    for name in re.findall(r"`(\w+)`", names):
                        entries.append(Entry(module_name, "instance attribute", name, class_name))
                continue
            if section == "reexport":
                match = _INSTANCE_LINE.match(line)
                if match:
                    module_name, names = match.groups()
                    for name in re.findall(r"`(\w+)`", names):
                        entries.append(Entry(module_name, "re-export", name))
                continue
            header = _MODULE_HEADER.match(line)
            if header:
                module = header.group(1)
                current_class = None
                continue
            if module is None:
                continue
            if line == "(no public names)":
                entries.append(Entry(module, "module", module))
                continue
            match = _CLASS_LINE.match(line)
            if match:
                name, signature = _split_call(match.group(1))
                bases = [b.strip() for b in (match.group(2) or "").split(",") if b.strip()]
                entries.append(Entry(module, "class", name, signature=signature, extra=bases))
                current_class = name
                continue
            match = _FUNCTION_LINE.match(line)
            if match:
                name, signature = _split_call(match.group(1))
                entries.append(Entry(module, "function", name, signature=signature))
                current_class = None
                continue
            match = _CONSTANT_LINE.match(line)
            if match and not line.startswith("    "):
                name, type_name, value = match.groups()
                entries.append(Entry(module, "constant", name, value=value, extra=type_name))
                current_class = None
                continue
            match = _MEMBER_LINE.match(line)
            if match and current_class:
                kind, body, value = match.groups()
                if kind is None and " = " in body and "(" not in body:
                    name, value = body.split(" = ", 1)
                    entries.append(Entry(module, "enum member", name, current_class, value=value))
                    continue
                name, signature = _split_call(body)
                entries.append(
                    Entry(module, kind or "method", name, current_class, signature, value)
                )
                continue
            if line.strip():
                raise AssertionError("Unread reference line: {!r}".format(line))
    return entries


ENTRIES = read_reference()

# -- checking -----------------------------------------------------------------


def _ours_params(callable_, drop_first):
    """Our parameters as v0.3 code calling ``callable_`` would see them.

    A class built on a builtin (``str``, ``int``) without a constructor of
    its own has no readable signature: it takes what the builtin takes,
    given as ``(*args, **kwargs)``.
    """
    try:
        parameters = list(inspect.signature(callable_).parameters.values())
    except ValueError:
        return [
            inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL),
            inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD),
        ]
    return parameters[1:] if drop_first else parameters


def _check_call_shape(ref_params, ours, what):
    """Fail unless calls written for ``ref_params`` work with ``ours``."""
    if ref_params is None:  # the reference could not read v0.3's signature
        return
    kinds = {p.kind for p in ours}
    forwards_everything = (
        inspect.Parameter.VAR_POSITIONAL in kinds and inspect.Parameter.VAR_KEYWORD in kinds
    )
    ours_by_name = {p.name: p for p in ours}
    positional = [
        p
        for p in ours
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    keyword_only = False
    ref_names = set()
    for index, ref in enumerate(ref_params):
        if ref.kind == "keyword-marker":
            keyword_only = True
            continue
        ref_names.add(ref.name)
        if ref.kind == "var-keyword":
            assert inspect.Parameter.VAR_KEYWORD in kinds, "{}: no **{}".format(what, ref.name)
            continue
        if ref.kind == "var-positional":
            assert inspect.Parameter.VAR_POSITIONAL in kinds, "{}: no *{}".format(what, ref.name)
            keyword_only = True
            continue
        if forwards_everything:
            continue
        ours_param = ours_by_name.get(ref.name)
        assert ours_param is not None, "{}: no parameter {!r}".format(what, ref.name)
        if not keyword_only:
            assert index < len(positional) and positional[index].name == ref.name, (
                "{}: {!r} is not positional parameter {} (ours: {})".format(
                    what, ref.name, index, [p.name for p in positional]
                )
            )
            assert ours_param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (
                "{}: {!r} cannot be passed by keyword".format(what, ref.name)
            )
        if ref.has_default:
            assert ours_param.default is not inspect.Parameter.empty, (
                "{}: {!r} has no default; v0.3's is {}".format(what, ref.name, ref.default_text)
            )
            expected = ref.literal_default()
            if expected is not ...:
                assert ours_param.default == expected, "{}: {!r} defaults to {!r}, v0.3 to {!r}".format(
                    what, ref.name, ours_param.default, expected
                )
    for extra in ours:
        if extra.name in ref_names or forwards_everything:
            continue
        assert extra.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ) or extra.default is not inspect.Parameter.empty, (
            "{}: extra parameter {!r} has no default".format(what, extra.name)
        )


def _static_member(cls, name):
    for klass in inspect.getmro(cls):
        if name in vars(klass):
            return vars(klass)[name]
    raise AssertionError("{}.{} is missing".format(cls.__qualname__, name))


def _literal(text):
    if text == "":
        return ""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return ...


def _is_a(value, type_name):
    return any(klass.__name__ == type_name for klass in type(value).__mro__)


def _instance_of(module, class_name):
    """A live instance of an SDK class, for its instance attributes."""
    from opentelemetry.sdk.trace import TracerSource
    from opentelemetry.sdk.trace.export import (
        BatchExportSpanProcessor,
        SimpleExportSpanProcessor,
    )
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    source = TracerSource(shutdown_on_exit=False)
    if class_name == "TracerSource":
        return source
    tracer = source.get_tracer("v0.3 reference")
    if class_name == "Tracer":
        return tracer
    if class_name == "Span":
        span = tracer.start_span("span")
        span.end()
        return span
    if class_name == "SimpleExportSpanProcessor":
        return SimpleExportSpanProcessor(InMemorySpanExporter())
    if class_name == "BatchExportSpanProcessor":
        processor = BatchExportSpanProcessor(InMemorySpanExporter())
        processor.shutdown()
        return processor
    raise AssertionError("no instance recipe for {}.{}".format(module, class_name))


def check(entry):
    module = importlib.import_module(entry.module)
    if entry.kind == "module":
        return
    if entry.kind == "re-export":
        assert hasattr(module, entry.name), "{} does not offer {}".format(entry.module, entry.name)
        return
    if entry.kind == "instance attribute":
        instance = _instance_of(entry.module, entry.owner)
        assert hasattr(instance, entry.name), "{}.{} has no attribute {}".format(
            entry.module, entry.owner, entry.name
        )
        return
    if entry.owner is None:
        assert hasattr(module, entry.name), "{} has no {}".format(entry.module, entry.name)
        obj = getattr(module, entry.name)
        if entry.kind == "constant":
            assert _is_a(obj, entry.extra), "{}.{} is a {}, not a {}".format(
                entry.module, entry.name, type(obj).__name__, entry.extra
            )
            expected = _literal(entry.value)
            if expected is not ...:
                assert obj == expected, "{}.{} is {!r}, v0.3's {!r}".format(
                    entry.module, entry.name, obj, expected
                )
            return
        if entry.kind == "function":
            assert callable(obj)
            _check_call_shape(_params(entry.signature), _ours_params(obj, False), entry.id)
            return
        assert inspect.isclass(obj), "{}.{} is not a class".format(entry.module, entry.name)
        bases = [klass.__name__ for klass in inspect.getmro(obj)[1:]]
        for base in entry.extra:
            if base not in ("ABC", "Generic", "object"):
                assert base in bases, "{} is not a subclass of {} (bases: {})".format(
                    entry.id, base, bases
                )
        if issubclass(obj, enum.Enum):
            return  # enums are called with a value: their members are the entries
        _check_call_shape(_params(entry.signature), _ours_params(obj, False), entry.id)
        return
    cls = getattr(module, entry.owner)
    if entry.kind == "enum member":
        assert cls[entry.name].value == _literal(entry.value)
        return
    member = _static_member(cls, entry.name)
    if entry.kind in ("property", "attribute"):
        if entry.kind == "attribute" and not entry.name.startswith("__"):
            expected = _literal(entry.value)
            if expected is not ...:
                assert getattr(cls, entry.name) == expected, "{} is {!r}, v0.3's {!r}".format(
                    entry.id, getattr(cls, entry.name), expected
                )
        return
    if entry.name.startswith("__") and entry.name.endswith("__"):
        # Operators and protocols are called by Python, never by keyword:
        # only their presence counts.
        assert member is not getattr(object, entry.name, None), "{} is object's".format(entry.id)
        return
    ref_params = _params(entry.signature)
    if entry.kind == "staticmethod":
        assert isinstance(member, (staticmethod, classmethod)), "{} is not static".format(entry.id)
        callable_on_class = getattr(cls, entry.name)
        _check_call_shape(ref_params, _ours_params(callable_on_class, False), entry.id)
        return
    if entry.kind == "classmethod":
        assert isinstance(member, classmethod), "{} is not a class method".format(entry.id)
        _check_call_shape(ref_params[1:], _ours_params(getattr(cls, entry.name), False), entry.id)
        return
    if inspect.isclass(member):  # a nested class, such as a runtime context's Slot
        _check_call_shape(ref_params, _ours_params(member, False), entry.id)
        return
    if ref_params is not None and ref_params and ref_params[0].name in ("self", "cls"):
        ref_params = ref_params[1:]
    if isinstance(member, staticmethod):
        ours = _ours_params(member.__func__, False)
    elif isinstance(member, classmethod):
        ours = _ours_params(member.__func__, True)
    else:
        assert callable(member), "{} is not callable".format(entry.id)
        ours = _ours_params(member, True)
    _check_call_shape(ref_params, ours, entry.id)


def test_the_reference_is_read_whole():
    assert len(ENTRIES) == 467


@pytest.mark.parametrize("entry", [pytest.param(entry, id=entry.id) for entry in ENTRIES])
def test_v03_entry_is_present_with_a_compatible_call_shape(entry):
    check(entry)


@pytest.mark.skipif(_SHARED_REFERENCE is None, reason="no shared/ beside the repository")
def test_the_copy_is_the_projects_specification():
    with open(_REFERENCE, encoding="utf-8") as copy, open(_SHARED_REFERENCE, encoding="utf-8") as spec:
        assert copy.read() == spec.read()
