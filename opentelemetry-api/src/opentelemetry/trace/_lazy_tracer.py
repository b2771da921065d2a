"""The tracer :func:`~opentelemetry.trace.get_tracer` hands out before the source is chosen.

Libraries take their tracer at import time, usually before the application
has chosen the SDK. Such a tracer asks for the process's tracer source only
when it is first used, so it records once the application has made its
choice, whatever the import order. The same tracer serves code that asks for
one while the source is being loaded (the implementation's own module): it
is a no-op until the source is there.
"""

from __future__ import annotations

import logging

from .span import SpanKind
from .tracer import DefaultTracer, Tracer, TracerSource, _traced_function

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, Callable, Optional, Sequence, Tuple, Type, TypeVar

    from ..util import types
    from .span import Link, Span

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["LazyTracer"]

logger = logging.getLogger(__name__)

_NO_OP_TRACER = DefaultTracer()

#: The methods a resolved lazy tracer forwards straight to the real tracer.
_FORWARDED = ("get_current_span", "start_span", "start_as_current_span", "use_span")


class LazyTracer(Tracer):
    """Stands for the tracer the process's source will give, fetched on first use.

    On first use the real tracer's methods are stored on the instance, where
    they shadow this class's: from then on a call goes straight to the real
    tracer. Any other attribute (``instrumentation_info`` of the SDK's
    tracer, say) is read from the real tracer. Resolved to the API's no-op,
    the instance becomes a :class:`~opentelemetry.trace.DefaultTracer`.
    """

    def __init__(
        self,
        resolve_source: Callable[[], Optional[TracerSource]],
        instrumenting_module_name: str,
        instrumenting_library_version: str,
    ) -> None:
        self._resolve_source = resolve_source
        self._name = instrumenting_module_name
        self._version = instrumenting_library_version

    def _resolve(self) -> Tracer:
        """Fetch the real tracer and forward to it from now on.

        While ``resolve_source()`` gives ``None`` (the source is still
        loading), the no-op tracer serves the call and nothing is kept.
        """
        source = self._resolve_source()
        if source is None:
            return _NO_OP_TRACER
        tracer = source.get_tracer(self._name, self._version)
        if type(tracer) is DefaultTracer:
            # The no-op is stateless, so this instance can become one: this
            # class's __getattr__ would keep CPython from specialising the
            # method lookups, which the no-op span's cost shows (benchmark a).
            self.__class__ = DefaultTracer  # type: ignore[assignment]
            return tracer
        # Instance attributes shadow the methods below: later calls skip this class.
        for name in _FORWARDED:
            self.__dict__[name] = getattr(tracer, name)
        self.__dict__["_tracer"] = tracer
        return tracer

    # Each method runs at most once per instance; *args passes v0.3's extra
    # keywords (set_status_on_exception) through to the real tracer.
    def get_current_span(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve().get_current_span(*args, **kwargs)

    def start_span(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve().start_span(*args, **kwargs)

    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Any:
        # Not resolved here: as a decorator, applied at import time, this
        # must not fix the choice of implementation before the application
        # makes it. The scope resolves when its block is entered.
        return _DeferredCurrentSpan(self, args, kwargs)

    def use_span(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve().use_span(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Called only for names the instance and class lack. Private names
        # are not forwarded, so a half-built instance cannot recurse here.
        if name.startswith("_"):
            raise AttributeError(name)
        tracer = self.__dict__.get("_tracer") or self._resolve()
        return getattr(tracer, name)

    def __repr__(self) -> str:
        tracer = self.__dict__.get("_tracer")
        if tracer is None:
            return "LazyTracer({!r}, {!r}, not resolved yet)".format(self._name, self._version)
        return "LazyTracer({!r}, {!r}, resolved to {!r})".format(self._name, self._version, tracer)


def _decorator_arguments(
    name: str,
    parent: object = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: types.Attributes = None,
    links: Sequence[Link] = (),
) -> Tuple[str, SpanKind, types.Attributes, Sequence[Link]]:
    """What a decorated function's spans are started with (the parent is each call's own)."""
    return name, kind, attributes, links


class _DeferredCurrentSpan:
    """``start_as_current_span`` of a lazy tracer: resolves on entering, not when made."""

    __slots__ = ("_lazy", "_args", "_kwargs", "_scope")

    def __init__(self, lazy: Tracer, args: Tuple[Any, ...], kwargs: Any) -> None:
        self._lazy = lazy
        self._args = args
        self._kwargs = kwargs

    def __enter__(self) -> Span:
        lazy = self._lazy
        if type(lazy) is LazyTracer:
            tracer = lazy.__dict__.get("_tracer") or lazy._resolve()
        else:  # resolved to the no-op, which the instance became
            tracer = lazy
        self._scope = tracer.start_as_current_span(*self._args, **self._kwargs)
        return self._scope.__enter__()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[TracebackType],
    ) -> Any:
        return self._scope.__exit__(exc_type, exc_val, exc_tb)

    def __call__(self, func: _F) -> _F:
        try:
            name, kind, attributes, links = _decorator_arguments(*self._args, **self._kwargs)
        except TypeError:  # arguments start_as_current_span does not take: never raise
            logger.warning(
                "start_as_current_span%r cannot decorate %r; left untraced", self._args, func,
                exc_info=True,
            )
            return func
        return _traced_function(self._lazy, name, kind, attributes, links, func)
