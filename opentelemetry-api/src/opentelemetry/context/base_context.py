"""What every runtime context does, whatever keeps its values.

A runtime context is a set of named slots. Each concrete class
(:class:`~opentelemetry.context.async_context.AsyncRuntimeContext`,
:class:`~opentelemetry.context.thread_local_context.ThreadLocalRuntimeContext`)
says how a slot keeps its value through its own ``Slot`` class; the registry
of slots and the ways to read, set and restore them live here.
"""

from __future__ import annotations

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import types as _pytypes
    from typing import Any, Callable, Dict, List, Optional, Tuple, Type, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["BaseRuntimeContext", "wrap_callable"]


def wrap_callable(target: object) -> Callable[[], object]:
    """``target`` if it is callable, else a function that returns it.

    For slot defaults that are either a value or a factory of values.
    """
    if callable(target):
        return target
    return lambda: target


class BaseRuntimeContext:
    """Named slots whose values follow the flow of execution.

    Slots are read and written as attributes or items
    (``Context.current_span``, ``Context["current_span"]``). Assigning a
    name that is not a slot yet registers it, and reading one that is not a
    slot yet reads ``None`` (registering it too), so instrumentation can set
    and test flags such as ``Context.suppress_instrumentation`` without
    declaring them first. Each subclass has its own registry of slots:
    :meth:`register_slot` and :meth:`clear` are class methods.
    """

    class Slot:
        """One named value of the runtime context; subclasses say where it lives.

        ``default`` is a value, or (as in v0.3) a callable that makes one:
        a slot read before anything set it in this thread or task then
        holds a new value from the callable.
        """

        __slots__ = ("name", "default")

        def __init__(self, name: str, default: Any) -> None:
            self.name = name
            self.default = default

        def default_value(self) -> Any:
            """The value the slot starts with: ``default``, or what it makes if callable."""
            default = self.default
            return default() if callable(default) else default

        def get(self) -> Any:
            """The slot's value here and now."""
            raise NotImplementedError

        def set(self, value: Any) -> Any:
            """Set the slot's value here and now."""
            raise NotImplementedError

        def clear(self) -> None:
            """Set the value back to the slot's default."""
            self.set(self.default_value())

        def __repr__(self) -> str:
            return "Slot({!r}, default={!r})".format(self.name, self.default)

    _slots: Dict[str, BaseRuntimeContext.Slot] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # One registry per class: a subclass made for a test or another
        # runtime starts with no slots of its own and shares none.
        cls._slots = {}

    @classmethod
    def register_slot(cls, name: str, default: object = None) -> BaseRuntimeContext.Slot:
        """Return the slot called ``name``, creating it with ``default``.

        A slot that exists keeps its default.
        """
        slot = cls._slots.get(name)
        if slot is None:
            # setdefault is atomic under the GIL: two threads registering the
            # same name get the same slot, without a lock to carry over a fork.
            slot = cls._slots.setdefault(name, cls.Slot(name, default))
        return slot

    @classmethod
    def clear(cls) -> None:
        """Set every slot back to its default, here and now."""
        for slot in list(cls._slots.values()):
            slot.clear()

    def snapshot(self) -> Dict[str, object]:
        """Every slot's current value, by name."""
        return {name: slot.get() for name, slot in list(self._slots.items())}

    def apply(self, snapshot: Dict[str, object]) -> None:
        """Set each slot named in ``snapshot`` to its value there."""
        for name, value in snapshot.items():
            self.register_slot(name).set(value)

    def use(self, **kwargs: object) -> _SlotValues:
        """A ``with`` block in which the named slots hold the given values.

        ``with Context.use(suppress_instrumentation=True): ...`` sets the
        slots on entry (registering those that do not exist) and gives them
        back their earlier values on exit, also when the block raises.
        """
        return _SlotValues(self, kwargs)

    def with_current_context(self, func: _F) -> _F:
        """Wrap ``func`` so it runs with the slot values current now.

        For handing work to another thread or a callback. Each call applies
        the captured values and afterwards gives the calling thread its own
        back.
        """
        captured = self.snapshot()

        def call_with_captured_context(*args: Any, **kwargs: Any) -> Any:
            own = self.snapshot()
            self.apply(captured)
            try:
                return func(*args, **kwargs)
            finally:
                self.apply(own)

        return call_with_captured_context  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        slot = self._slots.get(name)
        if slot is None:
            if name.startswith("__") and name.endswith("__"):
                # Protocol probes (copy, pickle, mock) are not slot names.
                raise AttributeError(name)
            slot = self.register_slot(name)
        return slot.get()

    def __setattr__(self, name: str, value: object) -> None:
        slot = self._slots.get(name)
        if slot is None:
            slot = self.register_slot(name)
        slot.set(value)

    def __getitem__(self, name: str) -> object:
        return self.__getattr__(name)

    def __setitem__(self, name: str, value: object) -> None:
        self.__setattr__(name, value)

    def __repr__(self) -> str:
        return "{}({})".format(type(self).__name__, self.snapshot())


class _SlotValues:
    """The ``with`` block of :meth:`BaseRuntimeContext.use`."""

    __slots__ = ("_context", "_values", "_saved")

    def __init__(self, context: BaseRuntimeContext, values: Dict[str, object]) -> None:
        self._context = context
        self._values = values
        self._saved: List[Tuple[BaseRuntimeContext.Slot, object]] = []

    def __enter__(self) -> None:
        context = self._context
        for name, value in self._values.items():
            slot = context.register_slot(name)
            self._saved.append((slot, slot.get()))
            slot.set(value)

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[_pytypes.TracebackType],
    ) -> None:
        saved = self._saved
        while saved:
            slot, value = saved.pop()
            slot.set(value)

