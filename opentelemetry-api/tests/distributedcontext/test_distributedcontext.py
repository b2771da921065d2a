"""The distributed context API: entries, contexts, and the no-op manager."""

import logging
import os
import subprocess
import sys

import pytest

from opentelemetry import distributedcontext
from opentelemetry.distributedcontext import (
    DistributedContext,
    DistributedContextManager,
    Entry,
    EntryKey,
    EntryMetadata,
    EntryTTL,
    EntryValue,
)
from opentelemetry.distributedcontext.propagation import BinaryFormat, HTTPTextFormat

PROPAGATED = EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION)


def entry(key, value, ttl=EntryTTL.UNLIMITED_PROPAGATION):
    return Entry(EntryMetadata(ttl), EntryKey.create(key), EntryValue.create(value))


@pytest.mark.parametrize("text", ["a", "user id", "x" * 255, "~!@#$%^&*()"])
def test_entry_key_create_accepts_printable_ascii_up_to_255(text):
    key = EntryKey.create(text)
    assert key == text and isinstance(key, EntryKey)


@pytest.mark.parametrize("text", ["", "x" * 256, "caf\u00e9", "tab\there", "new\nline", "\x7f", 42, None])
def test_entry_key_create_raises_value_error_on_invalid_input(text):
    with pytest.raises(ValueError):
        EntryKey.create(text)


@pytest.mark.parametrize("text", ["", "v", "x" * 255, " spaced "])
def test_entry_value_create_accepts_printable_ascii_up_to_255(text):
    value = EntryValue.create(text)
    assert value == text and isinstance(value, EntryValue)


@pytest.mark.parametrize("text", ["x" * 256, "\u00e9", "\t", b"bytes", None])
def test_entry_value_create_raises_value_error_on_invalid_input(text):
    with pytest.raises(ValueError):
        EntryValue.create(text)


def test_entry_ttl_values():
    assert EntryTTL.NO_PROPAGATION == 0
    assert EntryTTL.UNLIMITED_PROPAGATION == -1


def test_entries_compare_by_key_value_and_metadata():
    assert entry("k", "v") == entry("k", "v")
    assert entry("k", "v") != entry("k", "w")
    assert entry("k", "v") != entry("k", "v", EntryTTL.NO_PROPAGATION)
    assert hash(entry("k", "v")) == hash(entry("k", "v"))
    assert repr(entry("k", "v")) == (
        "Entry(metadata=EntryMetadata(entry_ttl=<EntryTTL.UNLIMITED_PROPAGATION: -1>), "
        "key='k', value='v')"
    )


def test_distributed_context_returns_entries_and_values():
    context = DistributedContext([entry("a", "1"), entry("b", "2")])
    assert list(context.get_entries()) == [entry("a", "1"), entry("b", "2")]
    assert context.get_entry_value(EntryKey.create("b")) == "2"
    assert context.get_entry_value(EntryKey.create("zzz")) is None


def test_distributed_context_keeps_the_later_entry_of_a_key():
    context = DistributedContext([entry("a", "1"), entry("a", "2")])
    assert list(context.get_entries()) == [entry("a", "2")]


def test_distributed_context_drops_what_is_not_an_entry(caplog):
    with caplog.at_level(logging.WARNING):
        context = DistributedContext([entry("a", "1"), ("b", "2")])  # type: ignore[list-item]
    assert list(context.get_entries()) == [entry("a", "1")]
    assert "not an Entry" in caplog.text


def test_distributed_contexts_compare_by_entries():
    assert DistributedContext([entry("a", "1")]) == DistributedContext([entry("a", "1")])
    assert DistributedContext() != DistributedContext([entry("a", "1")])
    assert repr(DistributedContext()) == "DistributedContext([])"


def test_noop_manager_has_no_current_context_even_inside_use_context():
    manager = DistributedContextManager()
    context = DistributedContext([entry("a", "1")])
    with manager.use_context(context) as used:
        assert used is context
        assert manager.get_current_context() is None
    assert manager.get_current_context() is None


def test_noop_formats_propagate_nothing():
    manager = DistributedContextManager()
    text_format = manager.http_text_format()
    assert isinstance(text_format, HTTPTextFormat)
    carrier = {}
    text_format.inject(DistributedContext([entry("a", "1")]), dict.__setitem__, carrier)
    assert carrier == {}
    assert list(text_format.extract(lambda c, n: ["a=1"], carrier).get_entries()) == []
    binary_format = manager.binary_format()
    assert isinstance(binary_format, BinaryFormat)
    assert binary_format.to_bytes(DistributedContext([entry("a", "1")])) == b""
    assert binary_format.from_bytes(b"anything") is None


def _run(code, env_value=None, pythonpath=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTELEMETRY_PYTHON")}
    if env_value is not None:
        env["OPENTELEMETRY_PYTHON_IMPLEMENTATION_DISTRIBUTEDCONTEXTMANAGER"] = env_value
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_distributed_context_manager_defaults_to_the_noop_and_is_kept():
    manager = distributedcontext.distributed_context_manager()
    assert manager is distributedcontext.distributed_context_manager()
    assert isinstance(manager, DistributedContextManager)


def test_preferred_implementation_is_used_and_cannot_change_once_in_use():
    result = _run(
        "from opentelemetry import distributedcontext as d\n"
        "class Mine(d.DistributedContextManager): pass\n"
        "d.set_preferred_distributed_context_manager_implementation(lambda T: Mine())\n"
        "print(type(d.distributed_context_manager()).__name__)\n"
        "try:\n"
        "    d.set_preferred_distributed_context_manager_implementation(lambda T: Mine())\n"
        "except RuntimeError:\n"
        "    print('late call refused')\n"
    )
    assert result.stdout.split() == ["Mine", "late", "call", "refused"], result.stderr


def test_environment_variable_names_the_implementation(tmp_path):
    (tmp_path / "my_manager.py").write_text(
        "from opentelemetry import distributedcontext as d\n"
        "class Mine(d.DistributedContextManager): pass\n"
        "def get_opentelemetry_implementation(api_type):\n"
        "    return Mine()\n"
    )
    result = _run(
        "from opentelemetry import distributedcontext as d\n"
        "print(type(d.distributed_context_manager()).__name__)\n",
        "my_manager",
        tmp_path,
    )
    assert result.stdout.strip() == "Mine", result.stderr
