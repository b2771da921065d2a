"""The outcome of the operation a span represents."""

from __future__ import annotations

import enum
import logging

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = ["Status", "StatusCanonicalCode"]

logger = logging.getLogger(__name__)


def _description_text(description: object) -> Optional[str]:
    """A description that is not a ``str``, as its text (logged); ``None`` if that fails.

    Exporters write the description as a string: another type would fail
    the export of every span in the batch.
    """
    try:
        # A str subclass's own __str__ may be what raises: the base method.
        text: Optional[str] = (
            str.__str__(description) if isinstance(description, str) else str(description)
        )
    except Exception:  # a broken __str__ must not reach the application
        text = None
    if text is None or not isinstance(description, str):
        logger.warning(
            "Status description of type %s is not a str; using %r",
            type(description).__name__,
            text,
        )
    return text


class StatusCanonicalCode(enum.Enum):
    """The canonical status codes (the gRPC codes the v0.3 specification uses)."""

    #: Not an error; returned on success.
    OK = 0
    #: The operation was cancelled, typically by the caller.
    CANCELLED = 1
    #: An unknown error; the status of a span left by an exception.
    UNKNOWN = 2
    #: The client specified an invalid argument.
    INVALID_ARGUMENT = 3
    #: The deadline expired before the operation could complete.
    DEADLINE_EXCEEDED = 4
    #: Some requested entity was not found.
    NOT_FOUND = 5
    #: The entity a client tried to create already exists.
    ALREADY_EXISTS = 6
    #: The caller may not execute the operation.
    PERMISSION_DENIED = 7
    #: Some resource has been exhausted.
    RESOURCE_EXHAUSTED = 8
    #: The system is not in a state the operation requires.
    FAILED_PRECONDITION = 9
    #: The operation was aborted, typically by a concurrency issue.
    ABORTED = 10
    #: The operation was attempted past the valid range.
    OUT_OF_RANGE = 11
    #: The operation is not implemented or supported.
    UNIMPLEMENTED = 12
    #: An internal error.
    INTERNAL = 13
    #: The service is currently unavailable.
    UNAVAILABLE = 14
    #: Unrecoverable data loss or corruption.
    DATA_LOSS = 15
    #: The request lacks valid authentication credentials.
    UNAUTHENTICATED = 16


class Status:
    """A canonical code and an optional description of what happened.

    A description that is not a ``str`` is logged and replaced by its text,
    and a code that is not a :class:`StatusCanonicalCode` by ``UNKNOWN``.
    """

    __slots__ = ("_canonical_code", "_description")

    def __init__(
        self,
        canonical_code: StatusCanonicalCode = StatusCanonicalCode.OK,
        description: Optional[str] = None,
    ) -> None:
        if not isinstance(canonical_code, StatusCanonicalCode):
            logger.warning(
                "Status code of type %s is not a StatusCanonicalCode; using UNKNOWN",
                type(canonical_code).__name__,
            )
            canonical_code = StatusCanonicalCode.UNKNOWN
        if description is not None and type(description) is not str:
            description = _description_text(description)
        self._canonical_code = canonical_code
        self._description = description

    @property
    def canonical_code(self) -> StatusCanonicalCode:
        """The status code."""
        return self._canonical_code

    @property
    def description(self) -> Optional[str]:
        """A developer-facing description, if any."""
        return self._description

    @property
    def is_ok(self) -> bool:
        """Whether the code is ``OK``."""
        return self._canonical_code is StatusCanonicalCode.OK

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return (self._canonical_code, self._description) == (
            other._canonical_code,
            other._description,
        )

    def __hash__(self) -> int:
        return hash((self._canonical_code, self._description))

    def __repr__(self) -> str:
        return "Status(canonical_code={}, description={!r})".format(
            self._canonical_code, self._description
        )
