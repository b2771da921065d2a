"""What an encoder left out of a request, so one bad item never costs its whole batch."""

from typing import Optional

__all__ = ["EncodingFailures", "record_failure"]


class EncodingFailures:
    """The items (spans, data points) an encoder left out of a request, and why.

    An encoder given one encodes each item on its own and counts here those
    that fail, instead of failing the whole request.
    """

    __slots__ = ("dropped", "first_error")

    def __init__(self) -> None:
        #: How many items were left out.
        self.dropped = 0
        #: The error that left out the first of them.
        self.first_error: Optional[Exception] = None

    def add(self, count: int, error: Exception) -> None:
        self.dropped += count
        if self.first_error is None:
            self.first_error = error


def record_failure(failures: Optional[EncodingFailures], count: int, error: Exception) -> None:
    """Count ``count`` items left out because of ``error``; without ``failures``, raise it."""
    if failures is None:
        raise error
    failures.add(count, error)
