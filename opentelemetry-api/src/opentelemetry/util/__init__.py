"""Small utilities shared by the API and the SDK: the clock and its text form."""

import time

__all__ = ["time_ns", "ns_to_iso_str"]

#: Nanoseconds since the epoch; the clock every span timestamp comes from.
time_ns = time.time_ns


def ns_to_iso_str(nanoseconds: int) -> str:
    """Format an epoch timestamp in nanoseconds as ISO 8601 UTC with microseconds.

    Integer arithmetic only, so no float rounding moves the last digit:
    ``1572905925777339000`` becomes ``"2019-11-04T22:18:45.777339Z"``.
    """
    seconds, remainder = divmod(nanoseconds, 1_000_000_000)
    return "{}.{:06d}Z".format(
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)),
        remainder // 1000,
    )
