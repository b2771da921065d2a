"""What an encoder left out of a request, so one bad item never costs its whole batch."""

from typing import Callable, Iterable, List, Optional, TypeVar

__all__ = ["EncodingFailures", "encode_each", "record_failure"]

_Item = TypeVar("_Item")
_Encoded = TypeVar("_Encoded")


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


def encode_each(
    items: Iterable[_Item],
    encode: Callable[[_Item], _Encoded],
    failures: Optional[EncodingFailures],
) -> List[_Encoded]:
    """``encode`` of each item that can be encoded; each one that cannot is recorded."""
    encoded = []
    for item in items:
        try:
            encoded.append(encode(item))
        except Exception as error:  # one bad item must not cost the batch
            record_failure(failures, 1, error)
    return encoded
