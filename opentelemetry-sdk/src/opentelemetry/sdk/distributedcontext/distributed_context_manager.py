"""The SDK's distributed context manager, backed by the runtime context."""

import contextvars
import logging
import types as _pytypes
from typing import ContextManager, Optional, Type

from opentelemetry import distributedcontext as dctx_api
from opentelemetry.context import Context, restore
from opentelemetry.distributedcontext.propagation import HTTPTextFormat

from .correlation_context_format import CorrelationContextHTTPTextFormat

__all__ = ["DistributedContextManager"]

logger = logging.getLogger(__name__)

# The runtime-context slot that holds the current distributed context.
_SLOT_NAME = "distributed_context"


class DistributedContextManager(dctx_api.DistributedContextManager):
    """Keeps the current distributed context in the runtime context.

    The context follows threads' and asyncio tasks' flow like the current
    span does (a task starts with its creator's context), and ``use_context``
    blocks nest: leaving one restores the context that was current before.
    Its text format is ``http_text_format`` if given (e.g. the W3C
    ``baggage`` header's
    :class:`~opentelemetry.sdk.distributedcontext.BaggageHTTPTextFormat`),
    else the W3C Correlation-Context header, as in v0.3.

    The runtime-context slot is registered when the first manager is made,
    not at import, so programs that never use distributed context do not
    see it in :data:`opentelemetry.context.Context`.
    """

    def __init__(
        self, name: str = "", http_text_format: Optional[HTTPTextFormat] = None
    ) -> None:
        # ``name`` is v0.3's: it named the manager's runtime-context slot.
        # One slot serves every manager here, so it is accepted and unused.
        self._slot = Context.register_slot(_SLOT_NAME)
        if http_text_format is not None and not isinstance(http_text_format, HTTPTextFormat):
            logger.warning(
                "Ignored http_text_format %r: not a distributed context HTTPTextFormat",
                http_text_format,
            )
            http_text_format = None
        self._http_text_format = (
            CorrelationContextHTTPTextFormat() if http_text_format is None else http_text_format
        )

    def get_current_context(self) -> Optional[dctx_api.DistributedContext]:
        """The context of the innermost ``use_context`` block, or ``None``."""
        context = self._slot.get()
        return context if isinstance(context, dctx_api.DistributedContext) else None

    def http_text_format(self) -> HTTPTextFormat:
        return self._http_text_format

    def use_context(
        self, context: dctx_api.DistributedContext
    ) -> ContextManager[dctx_api.DistributedContext]:
        """Make ``context`` current for a ``with`` block, then restore the previous one.

        Anything that is not a :class:`~opentelemetry.distributedcontext.DistributedContext`
        is logged and leaves the current context unchanged.
        """
        if not isinstance(context, dctx_api.DistributedContext):
            logger.warning("use_context(%r) ignored: not a DistributedContext", context)
            return super().use_context(context)
        return _CurrentContextScope(self._slot.contextvar, context)


class _CurrentContextScope:
    """Makes a distributed context current for a ``with`` block."""

    __slots__ = ("_var", "_context", "_token")

    def __init__(
        self,
        var: "contextvars.ContextVar[Optional[dctx_api.DistributedContext]]",
        context: dctx_api.DistributedContext,
    ) -> None:
        self._var = var
        self._context = context

    def __enter__(self) -> dctx_api.DistributedContext:
        self._token = self._var.set(self._context)
        return self._context

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        restore(self._token)
