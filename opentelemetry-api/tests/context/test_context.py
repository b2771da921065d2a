"""The runtime context: slots that follow threads and asyncio tasks."""

import asyncio
import contextvars
import logging
import threading

import pytest

from opentelemetry.context import AsyncRuntimeContext, Context, restore


@pytest.fixture
def context():
    # A subclass per test: each runtime-context class has its own slots.
    return type("IsolatedContext", (AsyncRuntimeContext,), {})()


def test_context_is_an_async_runtime_context():
    assert isinstance(Context, AsyncRuntimeContext)


def test_registered_slot_reads_its_default(context):
    context.register_slot("answer", 42)
    assert context.answer == 42
    assert context["answer"] == 42


def test_register_slot_twice_returns_the_same_slot(context):
    assert context.register_slot("a") is context.register_slot("a", "ignored")


def test_assigning_a_new_name_registers_a_slot(context):
    context.colour = "red"
    assert context.colour == "red"
    context["size"] = 3
    assert context.size == 3


def test_reading_a_name_that_is_not_a_slot_reads_none(context):
    assert context.missing is None
    assert context["other"] is None
    assert context.snapshot() == {"missing": None, "other": None}


def test_protocol_probes_are_not_taken_for_slots(context):
    with pytest.raises(AttributeError):
        context.__deepcopy__
    assert context.snapshot() == {}


def test_repr_shows_each_slot_and_value(context):
    context.register_slot("current_span")
    context.current_span = "S"
    assert repr(context) == "IsolatedContext({'current_span': 'S'})"


def test_snapshot_and_apply_round_trip(context):
    context.a = 1
    snapshot = context.snapshot()
    context.a = 2
    context.apply(snapshot)
    assert context.a == 1


def test_values_do_not_leak_between_threads(context):
    context.register_slot("value")
    context.value = "main"
    seen = []

    def worker():
        seen.append(context.value)
        context.value = "thread"
        seen.append(context.value)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    assert seen == [None, "thread"]
    assert context.value == "main"


def test_asyncio_tasks_inherit_and_isolate(context):
    context.register_slot("value")

    async def child(name):
        inherited = context.value
        context.value = name
        await asyncio.sleep(0)
        return inherited, context.value

    async def main():
        context.value = "parent"
        results = await asyncio.gather(child("a"), child("b"))
        return results, context.value

    results, after = asyncio.run(main())
    assert results == [("parent", "a"), ("parent", "b")]
    assert after == "parent"


def test_with_current_context_carries_values_into_another_thread(context):
    context.register_slot("value")
    context.value = "captured"
    wrapped = context.with_current_context(lambda: context.value)
    context.value = "later"
    result = []
    thread = threading.Thread(target=lambda: result.append(wrapped()))
    thread.start()
    thread.join(5)
    assert result == ["captured"]


def test_slot_clear_restores_default(context):
    slot = context.register_slot("flag", False)
    slot.set(True)
    slot.clear()
    assert context.flag is False


def test_restore_undoes_a_set(context):
    slot = context.register_slot("value", "default")
    token = slot.set("inner")
    restore(token)
    assert context.value == "default"


def test_restore_in_another_context_leaves_that_context_alone_and_logs(context, caplog):
    caplog.set_level(logging.DEBUG, logger="opentelemetry.context.async_context")
    slot = context.register_slot("value", "default")
    slot.set("outer")
    token = slot.set("inner")
    # The token belongs to this context; the copy did not make the change,
    # and "outer" is this context's value, stale over there.
    copy = contextvars.copy_context()
    copy.run(slot.set, "the copy's own")
    assert copy.run(lambda: (restore(token), context.value)[1]) == "the copy's own"
    assert "not restored" in caplog.text
    assert context.value == "inner"
