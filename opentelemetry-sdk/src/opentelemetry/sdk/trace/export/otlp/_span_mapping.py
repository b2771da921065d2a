"""How SDK spans map onto OTLP: grouping, ids, kinds, status and trace state.

Both encoders (protobuf and JSON) walk the groups made here and ask these
functions for each field whose OTLP form differs from the span's, so the two
wire formats cannot disagree on the mapping.

Status mapping. The v0.3 API has the canonical (gRPC) codes; OTLP has
``UNSET``, ``OK`` and ``ERROR``:

* no status set (a span that has not ended, or one that ended with the
  OK it gets when nothing was set, ``span.UNSET_STATUS``):
  ``UNSET``, no status field at all;
* an ``OK`` set explicitly: ``STATUS_CODE_OK``, no message (OTLP keeps
  messages for errors);
* any other code: ``STATUS_CODE_ERROR`` with the description as the
  message, or the code's name (``"DEADLINE_EXCEEDED"``) when there is no
  description, so the kind of error is not lost.

Bad spans. A span that cannot be encoded (built outside the SDK's checks:
an id that is not a 128- or 64-bit int, a trace state that is not a
mapping...) is left out of the request and counted in an
``EncodingFailures``, so it never costs the other spans of its batch.
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar

from opentelemetry import trace as trace_api
from opentelemetry.trace.status import Status, StatusCanonicalCode

from ...instrumentation import InstrumentationInfo
from ._encoding_failures import EncodingFailures, record_failure
from ...span import UNSET_STATUS, Span
from ....resources import Resource

__all__ = [
    "CANONICAL_OK",
    "EMPTY_TRACE_STATE",
    "INT64_MAX",
    "INT64_MIN",
    "MAX_CACHED_KEYS",
    "SCALAR_BASES",
    "SCALAR_TYPES",
    "STATUS_CODE_ERROR",
    "STATUS_CODE_OK",
    "ScopeGroup",
    "ResourceGroup",
    "UNSET_STATUS",
    "array_elements",
    "group_spans",
    "otlp_kind",
    "otlp_status",
    "parent_span_id",
    "plain_scalar",
    "trace_state_header",
]

_E = TypeVar("_E")  # what an encoder makes of a value: str (JSON) or bytes (protobuf)

#: The range of OTLP's ``int_value``; an int past it is sent as its decimal string.
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
#: The attribute value types both encoders write without a conversion, and
#: the bases whose subclasses they convert (a span built outside the SDK's
#: checks may hold an ``IntEnum``).
SCALAR_TYPES = frozenset((str, bool, int, float))
SCALAR_BASES = (str, int, float)
#: The status a span gets when it ends OK: its field is a constant in both forms.
CANONICAL_OK = StatusCanonicalCode.OK
#: The trace state most spans share: compared by identity, known empty.
EMPTY_TRACE_STATE = trace_api.DEFAULT_TRACE_STATE
#: How many attribute keys (and int values) an encoder keeps encoded; past
#: it the cache starts again, so keys made from unbounded data cannot grow it.
MAX_CACHED_KEYS = 4096

#: OTLP ``Status.StatusCode`` values (``STATUS_CODE_UNSET`` is 0, never sent).
STATUS_CODE_OK = 1
STATUS_CODE_ERROR = 2


def array_elements(value: Any, encode: Callable[[Any], Optional[_E]]) -> Optional[List[_E]]:
    """Each element of an array value, encoded; ``None`` if one is not a scalar OTLP holds."""
    elements = []
    for element in value:
        if type(element) not in SCALAR_TYPES and not isinstance(element, SCALAR_BASES):
            return None
        encoded = encode(element)
        if encoded is None:
            return None
        elements.append(encoded)
    return elements


def plain_scalar(value: Any) -> Any:
    """A subclass of a scalar type (an ``IntEnum``, a ``str`` subclass) as its plain value.

    ``None`` for any other type. Only spans built outside the SDK's checks
    hold these: the SDK stores plain types.
    """
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    return None


# The API's SpanKind starts at INTERNAL = 0; OTLP reserves 0 for UNSPECIFIED.
_OTLP_KINDS = {kind: kind.value + 1 for kind in trace_api.SpanKind}

#: Spans of one instrumentation scope (``None``: unknown scope).
ScopeGroup = Tuple[Optional[InstrumentationInfo], List[Span]]
#: A resource and its spans, by scope.
ResourceGroup = Tuple[Resource, List[ScopeGroup]]


_NO_GROUP = object()  # matches no span's resource or scope, not even None


def group_spans(
    spans: Sequence[Span], failures: Optional[EncodingFailures] = None
) -> List[ResourceGroup]:
    """``spans`` grouped by resource, then by instrumentation scope.

    Groups keep the order in which their first span appears, and spans keep
    their order within a group. Equal resources held by different objects
    share one group. A span that cannot be grouped (its scope cannot be
    hashed, its resource cannot be compared) goes to ``failures``.
    """
    resources: List[Resource] = []
    scopes_by_resource: List[Dict[Optional[InstrumentationInfo], List[Span]]] = []
    # Resource hashing sorts its labels, so spans are matched to a group by
    # the identity of their resource object first: spans of one source share it.
    index_by_id: Dict[int, int] = {}
    # Spans of a batch mostly come in runs from one tracer: a span with the
    # same resource and scope objects as the one before joins its list at once.
    last_resource: object = _NO_GROUP
    last_scope: object = _NO_GROUP
    last_spans: List[Span] = []
    for span in spans:
        try:
            resource = span.resource
            scope = span.instrumentation_info
            if resource is last_resource and scope is last_scope:
                last_spans.append(span)
                continue
            index = index_by_id.get(id(resource))
            if index is None:
                index = _index_of_equal(resources, resource)
                if index is None:
                    index = len(resources)
                    resources.append(resource)
                    scopes_by_resource.append({})
                index_by_id[id(resource)] = index
            scopes = scopes_by_resource[index]
            scope_spans = scopes.get(scope)
            if scope_spans is None:
                scope_spans = scopes[scope] = []
            scope_spans.append(span)
            last_resource, last_scope, last_spans = resource, scope, scope_spans
        except Exception as error:  # one bad span must not cost the batch
            record_failure(failures, 1, error)
    return [
        (resource, list(scopes.items())) for resource, scopes in zip(resources, scopes_by_resource)
    ]


def _index_of_equal(resources: List[Resource], resource: Resource) -> Optional[int]:
    for index, known in enumerate(resources):
        if known == resource:
            return index
    return None


def otlp_kind(kind: trace_api.SpanKind) -> int:
    """The OTLP ``SpanKind`` number: INTERNAL=1, SERVER=2, CLIENT=3, PRODUCER=4, CONSUMER=5."""
    return _OTLP_KINDS.get(kind, 1)


def otlp_status(status: Optional[Status]) -> Optional[Tuple[int, str]]:
    """The OTLP status code and message, or ``None`` for ``UNSET``."""
    if status is None or status is UNSET_STATUS:
        return None
    code = status.canonical_code
    if code is StatusCanonicalCode.OK:
        return STATUS_CODE_OK, ""
    description = status.description
    if description is not None and type(description) is not str:
        description = str(description)  # a Status built outside the API's checks
    return STATUS_CODE_ERROR, description or code.name


def parent_span_id(span: Span) -> Optional[int]:
    """The span id of the span's parent, or ``None`` for a root span."""
    context = span.parent_context
    if context is None:
        return None
    return context.span_id if context.span_id else None


def trace_state_header(trace_state: Mapping[str, str]) -> str:
    """The W3C ``tracestate`` header form: ``"key1=value1,key2=value2"``."""
    if not trace_state:
        return ""
    return ",".join(key + "=" + value for key, value in trace_state.items())
