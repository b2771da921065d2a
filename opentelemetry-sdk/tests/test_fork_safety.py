"""The one after-fork hook: module callbacks, then every lock, then every reset, in a real fork."""

import gc
import logging
import os
import weakref

import pytest
from forked_child import answer_from_a_child

from opentelemetry.sdk import _fork_safety

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


class _Recorder:
    """Registers for both kinds and notes each call in ``calls``."""

    def __init__(self, name, calls, fail=False):
        self.name = name
        self.calls = calls
        self.fail = fail

    def _renew_locks_after_fork(self):
        self.calls.append("renew " + self.name)
        if self.fail:
            raise RuntimeError("cannot renew")

    def _reset_after_fork(self):
        self.calls.append("reset " + self.name)


@needs_fork
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_every_lock_is_renewed_before_any_reset_runs():
    calls = []
    # Registered reset-first: the order in the child is still every renewal first.
    first = _Recorder("first", calls)
    _fork_safety.reset_after_fork(first)
    second = _Recorder("second", calls)
    _fork_safety.renew_locks_after_fork(second)
    _fork_safety.reset_after_fork(second)
    _fork_safety.renew_locks_after_fork(first)

    assert answer_from_a_child(lambda: ",".join(calls), timeout=10) == (
        "renew second,renew first,reset first,reset second"
    )
    assert calls == []  # the parent's objects are untouched


@needs_fork
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_failing_callback_is_reported_and_the_others_still_run():
    calls = []
    failing = _Recorder("failing", calls, fail=True)
    other = _Recorder("other", calls)
    _fork_safety.renew_locks_after_fork(failing)
    _fork_safety.renew_locks_after_fork(other)
    _fork_safety.reset_after_fork(other)
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger(_fork_safety.__name__)
    logger.addHandler(handler)
    try:
        answer = answer_from_a_child(
            lambda: ",".join(calls) + "|" + ";".join(messages), timeout=10
        )
    finally:
        logger.removeHandler(handler)

    done, reported = answer.split("|")
    assert done == "renew failing,renew other,reset other"
    assert "safe in a forked child failed" in reported


def test_registering_keeps_no_object_alive():
    owner = _Recorder("gone", [])
    _fork_safety.renew_locks_after_fork(owner)
    _fork_safety.reset_after_fork(owner)
    reference = weakref.ref(owner)

    del owner
    gc.collect()

    assert reference() is None
