"""Type aliases for the values the API accepts."""

from typing import Mapping, Optional, Sequence, Union

__all__ = ["AttributeValue", "Attributes"]

#: A value a span, event or link attribute may hold: a scalar or a
#: homogeneous sequence of one scalar type.
AttributeValue = Union[
    str,
    bool,
    int,
    float,
    Sequence[str],
    Sequence[bool],
    Sequence[int],
    Sequence[float],
]

#: Attributes as callers pass them; ``None`` means none.
Attributes = Optional[Mapping[str, AttributeValue]]
