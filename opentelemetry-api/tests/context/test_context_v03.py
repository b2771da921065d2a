"""The runtime context as v0.3 code uses it: use(), clear(), class-level slots, both kinds."""

import threading

import pytest

from opentelemetry.context import AsyncRuntimeContext, BaseRuntimeContext, Context
from opentelemetry.context.base_context import wrap_callable
from opentelemetry.context.thread_local_context import ThreadLocalRuntimeContext


@pytest.fixture(params=[AsyncRuntimeContext, ThreadLocalRuntimeContext])
def context(request):
    # A subclass per test: each runtime-context class has its own slots.
    return type("IsolatedContext", (request.param,), {})()


def test_use_sets_slots_for_the_block_and_restores_them(context):
    context.flag = "before"
    with context.use(flag="inside", fresh=1):
        assert (context.flag, context.fresh) == ("inside", 1)
    assert (context.flag, context.fresh) == ("before", None)


def test_use_restores_the_slots_when_the_block_raises(context):
    with pytest.raises(KeyError):
        with context.use(flag=True):
            raise KeyError("boom")
    assert context.flag is None


def test_clear_sets_every_slot_back_to_its_default(context):
    type(context).register_slot("answer", 42)
    context.answer = 1
    context.other = "x"
    type(context).clear()
    assert (context.answer, context.other) == (42, None)


def test_register_slot_is_a_class_method_sharing_the_slots_of_every_instance(context):
    cls = type(context)
    slot = cls.register_slot("shared", "default")
    assert isinstance(slot, cls.Slot)
    assert cls().register_slot("shared") is slot
    assert cls().shared == "default"


def test_each_runtime_context_class_has_its_own_slots():
    first = type("First", (AsyncRuntimeContext,), {})
    second = type("Second", (AsyncRuntimeContext,), {})
    first.register_slot("only_in_first", 1)
    assert "only_in_first" in first().snapshot()
    assert "only_in_first" not in second().snapshot()


def test_with_current_context_carries_values_into_a_thread_and_restores_its_own(context):
    context.value = "captured"
    wrapped = context.with_current_context(lambda: context.value)
    context.value = "later"
    seen = []

    def worker():
        context.value = "thread's own"
        seen.append(wrapped())
        seen.append(context.value)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    assert seen == ["captured", "thread's own"]
    assert context.value == "later"


def test_thread_local_slot_values_belong_to_the_thread_that_set_them():
    context = type("Isolated", (ThreadLocalRuntimeContext,), {})()
    context.register_slot("value", "default")
    context.value = "main"
    seen = []
    thread = threading.Thread(target=lambda: seen.append(context.value))
    thread.start()
    thread.join(5)
    assert seen == ["default"]
    assert context.value == "main"


def test_the_process_context_is_a_base_runtime_context_that_suppresses_by_assignment():
    assert isinstance(Context, BaseRuntimeContext)
    assert Context.suppress_instrumentation_in_this_test is None
    Context.suppress_instrumentation_in_this_test = True
    try:
        assert Context["suppress_instrumentation_in_this_test"] is True
    finally:
        Context.suppress_instrumentation_in_this_test = None


def test_wrap_callable_returns_callables_and_wraps_values():
    assert wrap_callable(len) is len
    assert wrap_callable(3)() == 3


def test_a_callable_default_makes_a_fresh_value_per_thread_or_task(context):
    slot = type(context).register_slot("requests_seen", list)
    context.requests_seen.append("main")
    assert context.requests_seen == ["main"]
    seen = []
    thread = threading.Thread(target=lambda: seen.append(list(context.requests_seen)))
    thread.start()
    thread.join(5)
    assert seen == [[]]
    slot.clear()
    assert context.requests_seen == []
