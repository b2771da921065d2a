"""The SDK's DistributedContextManager: the current context in the runtime context."""

import asyncio
import logging
import subprocess
import sys
import threading

from opentelemetry.context import Context
from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryKey,
    EntryMetadata,
    EntryTTL,
    EntryValue,
)
from opentelemetry.sdk.distributedcontext import (
    CorrelationContextHTTPTextFormat,
    DistributedContextManager,
)


def context_of(**entries):
    metadata = EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION)
    return DistributedContext(
        Entry(metadata, EntryKey.create(k), EntryValue.create(v)) for k, v in entries.items()
    )


def test_no_current_context_outside_use_context():
    assert DistributedContextManager().get_current_context() is None


def test_use_context_makes_the_context_current_and_restores_the_previous_one():
    manager = DistributedContextManager()
    outer, inner = context_of(a="1"), context_of(b="2")
    with manager.use_context(outer) as used:
        assert used is outer
        assert manager.get_current_context() is outer
        with manager.use_context(inner):
            assert manager.get_current_context() is inner
        assert manager.get_current_context() is outer
    assert manager.get_current_context() is None


def test_context_is_restored_when_the_block_raises():
    manager = DistributedContextManager()
    try:
        with manager.use_context(context_of(a="1")):
            raise ValueError("boom")
    except ValueError:
        pass
    assert manager.get_current_context() is None


def test_managers_share_the_runtime_context_slot():
    first, second = DistributedContextManager(), DistributedContextManager()
    context = context_of(a="1")
    with first.use_context(context):
        assert second.get_current_context() is context
        assert Context.distributed_context is context


def test_other_threads_do_not_see_the_context():
    manager = DistributedContextManager()
    seen = []
    with manager.use_context(context_of(a="1")):
        thread = threading.Thread(target=lambda: seen.append(manager.get_current_context()))
        thread.start()
        thread.join(timeout=10)
    assert seen == [None]


def test_asyncio_tasks_start_with_their_creators_context_and_keep_their_own():
    manager = DistributedContextManager()
    outer, inner = context_of(a="1"), context_of(b="2")

    async def child():
        seen = manager.get_current_context()
        with manager.use_context(inner):
            await asyncio.sleep(0)
            return seen, manager.get_current_context()

    async def main():
        with manager.use_context(outer):
            result = await asyncio.wait_for(asyncio.create_task(child()), timeout=10)
            return result, manager.get_current_context()

    (seen_by_child, child_current), after = asyncio.run(main())
    assert seen_by_child is outer and child_current is inner and after is outer


def test_use_context_with_something_else_logs_and_changes_nothing(caplog):
    manager = DistributedContextManager()
    with caplog.at_level(logging.WARNING):
        with manager.use_context({"a": "1"}):  # type: ignore[arg-type]
            assert manager.get_current_context() is None
    assert "not a DistributedContext" in caplog.text


def test_http_text_format_is_correlation_context():
    assert isinstance(DistributedContextManager().http_text_format(), CorrelationContextHTTPTextFormat)


def test_binary_format_is_the_noop():
    assert DistributedContextManager().binary_format().to_bytes(context_of(a="1")) == b""


def test_slot_is_registered_by_the_first_manager_not_at_import():
    code = (
        "from opentelemetry.context import Context\n"
        "import opentelemetry.sdk.distributedcontext as d\n"
        "print(Context)\n"
        "d.DistributedContextManager()\n"
        "print(Context)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == [
        "AsyncRuntimeContext({})",
        "AsyncRuntimeContext({'distributed_context': None})",
    ], result.stderr
