"""Random trace and span ids.

A private generator, seeded from the operating system: an application that
seeds :mod:`random` for its own reasons must not make trace ids repeat across
processes. It is reseeded in a forked child, so a child never replays its
parent's ids. ``getrandbits`` is a single C call, atomic under the GIL, so no
lock is needed.
"""

import random

from .._fork_safety import call_after_fork

__all__ = ["generate_span_id", "generate_trace_id", "random_bits"]

_generator = random.Random()
call_after_fork(_generator.seed)

#: The generator's ``getrandbits``, for the tracer's hot path, which inlines
#: ``random_bits(64) or generate_span_id()`` to save two calls per span.
random_bits = _generator.getrandbits


def generate_trace_id() -> int:
    """A random, non-zero 128-bit trace id."""
    trace_id = random_bits(128)
    while not trace_id:  # zero is the invalid id; a 2**-128 chance
        trace_id = random_bits(128)
    return trace_id


def generate_span_id() -> int:
    """A random, non-zero 64-bit span id."""
    span_id = random_bits(64)
    while not span_id:  # zero is the invalid id; a 2**-64 chance
        span_id = random_bits(64)
    return span_id
