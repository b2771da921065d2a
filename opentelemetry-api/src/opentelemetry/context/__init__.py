"""The runtime context: values that follow the flow of execution.

:data:`Context` is the one runtime context of the process. The SDK keeps the
current span in its ``current_span`` slot; instrumentation may add its own,
e.g. ``Context.suppress_instrumentation = True`` around a call whose own
instrumentation should stay quiet.
"""

from .async_context import AsyncRuntimeContext, restore
from .base_context import BaseRuntimeContext

__all__ = ["AsyncRuntimeContext", "BaseRuntimeContext", "Context", "restore"]

#: The process's runtime context.
Context = AsyncRuntimeContext()
