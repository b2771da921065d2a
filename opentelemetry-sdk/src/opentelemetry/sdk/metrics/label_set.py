"""Label sets: the labels that tell a metric's series apart, in a form cheap to look up."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Dict, Optional, Tuple

from opentelemetry import metrics as metrics_api

from opentelemetry.util._error_handler import report_exception, report_failure

__all__ = ["EMPTY_LABEL_SET", "LabelSet"]

logger = logging.getLogger(__name__)

_Items = Tuple[Tuple[str, str], ...]


def clean_labels(labels: Any) -> _Items:
    """The ``str`` to ``str`` entries of ``labels``, sorted; others are logged and dropped."""
    if labels is None:
        return ()
    if not isinstance(labels, Mapping):
        report_failure(logger, "Dropped labels of type %s: not a mapping", type(labels).__name__)
        return ()
    try:
        entries = list(labels.items())
    except Exception:  # a mapping whose iteration raises must not reach the application
        report_exception(
            logger, "Dropped labels of type %s: reading them failed", type(labels).__name__
        )
        return ()
    items = []
    for key, value in entries:
        if isinstance(key, str) and isinstance(value, str):
            # str.__str__: a str subclass becomes a plain, immutable str.
            items.append((str.__str__(key), str.__str__(value)))
        else:
            report_failure(logger, "Dropped label %r=%r: labels map str to str", key, value)
    items.sort()
    return tuple(items)


class LabelSet(metrics_api.LabelSet):
    """A set of labels (``str`` to ``str``), equal to any other with the same labels.

    Get them from :meth:`Meter.get_label_set <opentelemetry.sdk.metrics.Meter.get_label_set>`,
    which hands out one object per distinct set of labels. Entries that are
    not ``str`` to ``str`` are logged and dropped.
    """

    __slots__ = ("_labels", "_key")

    def __init__(self, labels: Optional[Dict[str, str]] = None) -> None:
        self._labels = clean_labels(labels)
        # A str: its hash is computed once and cached, so the metrics' handle
        # lookups by label set cost one dict probe, without a __hash__ call.
        self._key = repr(self._labels)

    @property
    def labels(self) -> _Items:
        """The labels as ``(key, value)`` pairs, sorted by key."""
        return self._labels

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, LabelSet):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return "LabelSet({!r})".format(dict(self._labels))


#: The label set without labels.
EMPTY_LABEL_SET = LabelSet()
