"""Runtime-context slots: which attribute names are slots, their names, and wrapped calls."""

import pytest

from opentelemetry.context import AsyncRuntimeContext
from opentelemetry.context.thread_local_context import ThreadLocalRuntimeContext


@pytest.fixture(params=[AsyncRuntimeContext, ThreadLocalRuntimeContext])
def context(request):
    # A subclass per test: each runtime-context class has its own slots.
    return type("IsolatedContext", (request.param,), {})()


@pytest.mark.parametrize("name", ["__leading", "trailing__", "_single_", "plain"])
def test_names_that_are_not_dunder_names_read_as_slots(context, name):
    assert getattr(context, name) is None
    assert context.register_slot(name).name == name


@pytest.mark.parametrize("name", ["__deepcopy__", "__fspath__", "__len__"])
def test_dunder_names_are_protocol_probes_not_slots(context, name):
    with pytest.raises(AttributeError, match=name):
        getattr(context, name)


def test_a_slot_is_named_and_its_context_variable_named_after_it():
    context = type("IsolatedContext", (AsyncRuntimeContext,), {})()
    slot = context.register_slot("colour", "red")
    assert slot.name == "colour" and slot.default == "red"
    assert slot.contextvar.name == "opentelemetry.colour"


def test_a_slot_with_a_callable_default_names_its_context_variable_after_it_too():
    context = type("IsolatedContext", (AsyncRuntimeContext,), {})()
    slot = context.register_slot("baggage", list)
    assert slot.name == "baggage" and slot.default is list
    assert slot.contextvar.name == "opentelemetry.baggage"


def test_a_wrapped_call_gets_its_positional_and_keyword_arguments(context):
    context.register_slot("request", None)
    context.request = "captured"
    wrapped = context.with_current_context(lambda *args, **kwargs: (args, kwargs, context.request))
    context.request = "later"
    assert wrapped(1, 2, key="value") == ((1, 2), {"key": "value"}, "captured")
    assert context.request == "later"


def test_the_first_restore_in_a_foreign_context_warns_and_later_ones_log_at_debug(
    monkeypatch, caplog
):
    import contextvars
    import logging

    from opentelemetry.context import async_context, restore

    monkeypatch.setattr(async_context, "_warned_foreign_restore", False)
    context = type("IsolatedContext", (AsyncRuntimeContext,), {})()
    slot = context.register_slot("foreign", None)
    caplog.set_level(logging.DEBUG, logger="opentelemetry.context.async_context")
    for _ in range(2):
        token = slot.set("inner")
        contextvars.copy_context().run(restore, token)
        restore(token)
    first, second = [r for r in caplog.records if "not restored" in r.getMessage()]
    assert (first.levelno, second.levelno) == (logging.WARNING, logging.DEBUG)
    assert first.getMessage().startswith("opentelemetry.foreign not restored")
