"""The SDK tracer source: configuration shared by all its tracers."""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import weakref
from collections.abc import Mapping

from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.trace import sampling
from opentelemetry.util._error_handler import report_exception

from .._fork_safety import call_after_fork, renew_locks_after_fork
from ..configuration import read_configuration
from ..resources import Resource, get_default_resource
from .instrumentation import InstrumentationInfo
from .limits import SpanLimits
from .sampling import sampler_from_configuration
from .span_processor import MultiSpanProcessor, SpanProcessor
from .tracer import Tracer

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

    from ..configuration import Configuration

__all__ = ["TracerSource"]

logger = logging.getLogger(__name__)


_NOOP_TRACER = trace_api.DefaultTracer()

# A later shutdown() from another thread waits this long for the first.
_WAIT_FOR_SHUTDOWN_SECONDS = 30.0

# The sources to shut down when the process exits. One atexit hook for all,
# and weak references: a source that becomes garbage leaves nothing behind.
# The hook is registered when the first source is made, so it runs before
# the exit handlers the application registered until then.
_sources_to_shut_down: "weakref.WeakValueDictionary[int, TracerSource]" = (
    weakref.WeakValueDictionary()
)


_exit_hook_registered = False


def _register_exit_hook() -> None:
    global _exit_hook_registered  # pylint: disable=global-statement
    if not _exit_hook_registered:
        _exit_hook_registered = True
        atexit.register(_shut_down_sources)


def _shut_down_sources() -> None:
    for source in list(_sources_to_shut_down.values()):
        try:
            source.shutdown()
        except Exception:  # the other sources must still be shut down
            report_exception(logger, "Shutting %r down at exit failed", source)


# multiprocessing's children (fork start method) leave through os._exit(),
# which skips atexit; their exit path runs multiprocessing's finalizers
# instead. The pid for which the finalizer is registered, so it is once.
_finalizer_pid = 0
# What multiprocessing's fork hook registry holds on to (weakly) for us.
_FORK_HOOK_OWNER = type("_ForkHookOwner", (), {})()


def _register_exit_finalizer(_owner: object) -> None:
    """In a multiprocessing child: shut the sources down on its way out."""
    global _finalizer_pid  # pylint: disable=global-statement
    util = sys.modules.get("multiprocessing.util")
    if util is None or _finalizer_pid == os.getpid():
        return
    _finalizer_pid = os.getpid()
    # Priority 100: before multiprocessing's own clean-up (queues close at
    # 10), so an exporter may still use a queue.
    util.Finalize(None, _shut_down_sources, exitpriority=100)


def _prepare_child_exit() -> None:
    """Right after a fork: ask multiprocessing, if it runs the child, to call us back.

    multiprocessing clears its finalizers in the child after this hook and
    then runs its own after-fork hooks, so the finalizer is registered from
    there. A child that is not a multiprocessing process never calls back.
    """
    util = sys.modules.get("multiprocessing.util")
    if util is not None and len(_sources_to_shut_down):
        util.register_after_fork(_FORK_HOOK_OWNER, _register_exit_finalizer)


call_after_fork(_prepare_child_exit)


def _refused_sampler_message(sampler: object) -> str:
    """The one line that says why ``sampler`` is refused and what to write instead."""
    if isinstance(sampler, type) and issubclass(sampler, trace_api.TracerSource):
        # The loader calls a factory with the API type: naming this class as
        # the factory makes the API class arrive here as the sampler.
        return (
            "TracerSource was given the class {} as its sampler, so it was named as the "
            "implementation factory; the default sampler is used. Name the module instead "
            "(OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace) "
            "or give a factory: lambda api_type: TracerSource()".format(sampler.__name__)
        )
    return (
        "TracerSource(sampler={!r}) is not a Sampler; the default sampler is used. "
        "Give an instance, e.g. opentelemetry.trace.sampling.ALWAYS_ON or "
        "opentelemetry.sdk.trace.sampling.TraceIdRatioSampler(0.1)".format(sampler)
    )


def _is_sampler(sampler: object) -> bool:
    """Whether ``sampler`` can decide: a Sampler, or any instance with ``should_sample``."""
    if isinstance(sampler, sampling.Sampler):
        return True
    # Duck-typed samplers worked in v0.3; a class (not yet instantiated) does not.
    return not isinstance(sampler, type) and callable(getattr(sampler, "should_sample", None))


def _checked_resource(resource: Any) -> Resource:
    if resource is None:
        return Resource.create_empty()
    if isinstance(resource, Resource):
        return resource
    if isinstance(resource, Mapping):
        logger.warning("resource is a %s, not a Resource; using Resource(it)", type(resource).__name__)
        return Resource(resource)
    logger.warning("resource of type %s is not a Resource; using none", type(resource).__name__)
    return Resource.create_empty()


def _checked_span_limits(span_limits: Any, configuration: Configuration) -> SpanLimits:
    if isinstance(span_limits, SpanLimits):
        return span_limits
    if isinstance(span_limits, Mapping) and all(key in SpanLimits.__slots__ for key in span_limits):
        logger.warning(
            "span_limits is a %s, not SpanLimits; using SpanLimits(**it)",
            type(span_limits).__name__,
        )
        return SpanLimits(**span_limits)
    logger.warning(
        "span_limits of type %s is not SpanLimits; using the configured ones",
        type(span_limits).__name__,
    )
    return SpanLimits.from_configuration(configuration)


class TracerSource(trace_api.TracerSource):
    """Hands out SDK tracers that share its sampler, resource, limits and processors.

    What is not given comes from the environment, read once here (see
    :mod:`opentelemetry.sdk.configuration`, or pass ``configuration``):

    - ``sampler``: ``OTEL_TRACES_SAMPLER``, by default
      :data:`~opentelemetry.trace.sampling.ALWAYS_ON` (sample every span, as
      v0.3 did, whatever the parent's flags say).
    - ``resource``: always merged over
      :func:`~opentelemetry.sdk.resources.get_default_resource` (the
      service's name, the SDK's labels, ``OTEL_RESOURCE_ATTRIBUTES``); the
      labels given here win.
    - ``span_limits``: the ``OTEL_SPAN_*_COUNT_LIMIT`` and
      ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`` variables.

    With ``OTEL_SDK_DISABLED=true`` every tracer is the API's no-op
    :class:`~opentelemetry.trace.DefaultTracer`: nothing is recorded,
    processed or exported, and spans cost what they cost without an SDK.
    With ``shutdown_on_exit`` the processors are shut down (and so flushed)
    when the interpreter exits, and when a :mod:`multiprocessing` child
    forked from this process exits.

    A resource or span limits of the wrong type are logged and repaired
    here (a mapping becomes a :class:`Resource` or :class:`SpanLimits`),
    so that they cannot fail every span later.
    """

    def __init__(
        self,
        sampler: Optional[sampling.Sampler] = None,
        shutdown_on_exit: bool = True,
        resource: Optional[Resource] = None,
        span_limits: Optional[SpanLimits] = None,
        configuration: Optional[Configuration] = None,
    ) -> None:
        if configuration is None:
            configuration = read_configuration()
        #: Whether ``OTEL_SDK_DISABLED`` turned this source into the API's no-op.
        self.disabled = configuration.sdk_disabled
        if sampler is not None and not _is_sampler(sampler):
            logger.error("%s", _refused_sampler_message(sampler))
            sampler = None
        self.sampler = sampler_from_configuration(configuration) if sampler is None else sampler
        default_resource = get_default_resource(configuration)
        self.resource = (
            default_resource
            if resource is None
            else _checked_resource(resource).merge(default_resource)
        )
        self.span_limits = (
            SpanLimits.from_configuration(configuration)
            if span_limits is None
            else _checked_span_limits(span_limits, configuration)
        )
        self._current_span_slot = Context.register_slot("current_span")
        self._current_span_var = self._current_span_slot.contextvar
        # Every span reports to this chain, looked at when it starts and ends.
        self._active_span_processor = MultiSpanProcessor()
        # Held briefly, never while a processor runs. Re-entrant: a signal
        # handler may add a processor or shut down on this same thread.
        self._lock = threading.RLock()
        # {"owner": (thread id, claim)} once shutdown() began; setdefault
        # claims it in one step that a signal handler cannot split.
        self._shutdown_claim: "dict[str, Tuple[int, object]]" = {}
        self._shutdown_done = threading.Event()
        renew_locks_after_fork(self)
        if shutdown_on_exit and not self.disabled:
            _sources_to_shut_down[id(self)] = self
            _register_exit_hook()

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.RLock()

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str = "",
    ) -> trace_api.Tracer:
        if self.disabled:
            return _NOOP_TRACER
        # The type first: a lazy proxy's truth test may raise.
        if type(instrumenting_module_name) is not str or not instrumenting_module_name:
            logger.error(
                "get_tracer called with missing module name (a %s)",
                type(instrumenting_module_name).__name__,
            )
            instrumenting_module_name = "ERROR:MISSING MODULE NAME"
        if type(instrumenting_library_version) is not str:
            logger.warning(
                "Library version of type %s is not a str; ignored",
                type(instrumenting_library_version).__name__,
            )
            instrumenting_library_version = ""
        return Tracer(
            self, InstrumentationInfo(instrumenting_module_name, instrumenting_library_version)
        )

    def get_current_span(self) -> Optional[trace_api.Span]:
        """The span current in this thread or task, or ``None``."""
        return self._current_span_var.get()  # type: ignore[no-any-return]

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        """Add a processor: spans that end from now on reach it, even those already open.

        A processor is any object with the :class:`SpanProcessor` methods;
        one without ``on_start`` and ``on_end`` is refused with a warning.
        After :meth:`shutdown` began a processor is refused with a warning
        too: nothing would ever shut it down, so what it holds would be lost
        at exit.
        """
        with self._lock:
            if self._shutdown_claim:
                logger.warning(
                    "%r refused: the tracer source has been shut down", span_processor
                )
                return
            self._active_span_processor.add_span_processor(span_processor)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush every processor; whether all finished within the timeout.

        A timeout that is not a number, or ``nan``, is logged and the
        default used; ``inf`` or a huge one is capped.
        """
        return self._active_span_processor.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Shut every processor down (flushing what they hold).

        Only the first call does so. A later call from another thread waits
        for it to finish (at most 30 s); one from the same thread, from a
        signal handler or from a processor's own shutdown, returns at once.
        """
        me = threading.get_ident()
        claim = object()
        owner, owner_claim = self._shutdown_claim.setdefault("owner", (me, claim))
        if owner_claim is not claim:
            if owner != me and not self._shutdown_done.wait(_WAIT_FOR_SHUTDOWN_SECONDS):
                logger.warning(
                    "%r: the shutdown begun by another thread has not finished after %d s",
                    self,
                    _WAIT_FOR_SHUTDOWN_SECONDS,
                )
            return
        _sources_to_shut_down.pop(id(self), None)
        with self._lock:  # let an add_span_processor already under way finish
            pass
        try:
            self._active_span_processor.shutdown()
        finally:
            self._shutdown_done.set()
