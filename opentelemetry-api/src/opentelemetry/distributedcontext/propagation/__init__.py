"""Formats that carry a distributed context across process boundaries.

The base classes are the no-op formats: they write nothing and read an empty
context. Implementations (such as the SDK's Correlation-Context format)
override them.
"""

from .binaryformat import BinaryFormat
from .httptextformat import HTTPTextFormat

__all__ = ["BinaryFormat", "HTTPTextFormat"]
