"""The tracer :func:`~opentelemetry.trace.get_tracer` hands out before the source is chosen.

Libraries take their tracer at import time, usually before the application
has chosen the SDK. Such a tracer asks for the process's tracer source only
when it is first used, so it records once the application has made its
choice, whatever the import order.
"""

from __future__ import annotations

from .tracer import DefaultTracer, Tracer, TracerSource

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["LazyTracer"]

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
        resolve_source: Callable[[], TracerSource],
        instrumenting_module_name: str,
        instrumenting_library_version: str,
    ) -> None:
        self._resolve_source = resolve_source
        self._name = instrumenting_module_name
        self._version = instrumenting_library_version

    def _resolve(self) -> Tracer:
        """Fetch the real tracer and forward to it from now on."""
        tracer = self._resolve_source().get_tracer(self._name, self._version)
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
        return self._resolve().start_as_current_span(*args, **kwargs)

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
