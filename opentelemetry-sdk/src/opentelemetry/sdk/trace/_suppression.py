"""The runtime context slot that turns tracing off in the export path.

An exporter that is itself instrumented (an HTTP client the application
traces, a logging handler that makes spans) would otherwise produce a span
for every export, which would be exported in turn: a feedback loop. The
processors set ``Context.suppress_instrumentation`` while they call the
exporter, as v0.3 instrumentation expects, and the SDK's tracers start no
recording span while it is set.

The slot is registered by the first export, as v0.3 did, so that
``print(Context)`` shows only the current span until then (the quick start
prints it).
"""

from __future__ import annotations

import contextvars

from opentelemetry.context import Context

__all__ = ["suppressing_var", "var_if_registered"]

#: The slot's context variable once an export registered it, else ``None``.
var_if_registered: "contextvars.ContextVar[object] | None" = None


def suppressing_var() -> "contextvars.ContextVar[object]":
    """The slot's context variable, registering the slot on first use."""
    global var_if_registered  # pylint: disable=global-statement
    var = var_if_registered
    if var is None:
        var = var_if_registered = Context.register_slot(
            "suppress_instrumentation", False
        ).contextvar
    return var
