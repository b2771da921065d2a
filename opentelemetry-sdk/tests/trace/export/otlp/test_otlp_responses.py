"""What the exporter reads back from a receiver: partial successes and error messages."""

import pytest

from opentelemetry.sdk.trace.export.otlp import _json_encoding, _protobuf_encoding


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"{}", None),
        (b'{"partialSuccess":{}}', None),
        (b'{"partialSuccess":null}', None),
        (b'{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}', (2, "too old")),
        (b'{"partialSuccess":{"rejectedSpans":3}}', (3, "")),
        (b'{"partialSuccess":{"rejectedSpans":null,"errorMessage":"note"}}', (0, "note")),
        (b'{"partialSuccess":{"errorMessage":7}}', (0, "7")),
    ],
)
def test_partial_success_gives_the_rejected_count_and_message(body, expected):
    assert _json_encoding.decode_partial_success(body) == expected


def test_partial_success_reads_the_count_field_it_is_told():
    body = b'{"partialSuccess":{"rejectedDataPoints":"4","errorMessage":"m"}}'
    assert _json_encoding.decode_partial_success(body, "rejectedDataPoints") == (4, "m")
    assert _json_encoding.decode_partial_success(body) == (0, "m")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"partialSuccess":[1]}',
        b'{"partialSuccess":{"rejectedSpans":[1]}}',
        b'{"partialSuccess":{"rejectedSpans":{"a":1}}}',
    ],
)
def test_a_response_that_is_not_one_raises_value_error(body):
    with pytest.raises(ValueError):
        _json_encoding.decode_partial_success(body)


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"code":3,"message":"bad span"}', "bad span"),
        (b'{"code":3}', ""),
        (b'{"message":5}', "5"),
    ],
)
def test_error_message_is_the_status_message(body, message):
    assert _json_encoding.decode_error_message(body) == message


@pytest.mark.parametrize("body", [b"oops", b'"text"', b"[]"])
def test_an_error_body_that_is_not_an_object_raises_value_error(body):
    with pytest.raises(ValueError):
        _json_encoding.decode_error_message(body)


# -- protobuf ---------------------------------------------------------------------


def _response(rejected=None, message=None):
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    response = trace_service_pb2.ExportTraceServiceResponse()
    if rejected is not None or message is not None:
        response.partial_success.SetInParent()
    if rejected is not None:
        response.partial_success.rejected_spans = rejected
    if message is not None:
        response.partial_success.error_message = message
    return response.SerializeToString()


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"", None),
        (_response(), None),
        (_response(2, "too old"), (2, "too old")),
        (_response(3), (3, "")),
        (_response(0, "note"), (0, "note")),
        (_response(2**40, "many"), (2**40, "many")),
    ],
)
def test_protobuf_partial_success_gives_the_rejected_count_and_message(body, expected):
    assert _protobuf_encoding.decode_partial_success(body) == expected


def test_protobuf_error_message_is_the_status_message():
    message = "span name is required".encode()
    status = b"\x08\x03" + b"\x12" + bytes([len(message)]) + message  # code 3, message
    assert _protobuf_encoding.decode_error_message(status) == "span name is required"
    assert _protobuf_encoding.decode_error_message(b"\x08\x03") == ""


@pytest.mark.parametrize("body", [b"\xff\xff\xff", b"\x12\x05ab"])
def test_a_protobuf_body_that_is_not_a_message_raises_value_error(body):
    with pytest.raises(ValueError):
        _protobuf_encoding.decode_partial_success(body)
    with pytest.raises(ValueError):
        _protobuf_encoding.decode_error_message(body)
