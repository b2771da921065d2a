"""The SDK's distributed context: a current context per thread or task, and its format.

Select it at start-up::

    from opentelemetry import distributedcontext
    from opentelemetry.sdk.distributedcontext import DistributedContextManager

    distributedcontext.set_preferred_distributed_context_manager_implementation(
        lambda T: DistributedContextManager()
    )
"""

from opentelemetry.context import Context as Context  # v0.3 offered it here

from .baggage_format import BaggageHTTPTextFormat
from .correlation_context_format import CorrelationContextHTTPTextFormat
from .current_context_format import CurrentDistributedContextHTTPTextFormat
from .distributed_context_manager import DistributedContextManager

__all__ = [
    "BaggageHTTPTextFormat",
    "CorrelationContextHTTPTextFormat",
    "CurrentDistributedContextHTTPTextFormat",
    "DistributedContextManager",
]
