"""The runtime context: values that follow the flow of execution.

:data:`Context` is the one runtime context of the process. The SDK keeps the
current span in its ``current_span`` slot; instrumentation may add its own.
"""

from .async_context import AsyncRuntimeContext, restore

__all__ = ["AsyncRuntimeContext", "Context", "restore"]

#: The process's runtime context.
Context = AsyncRuntimeContext()
