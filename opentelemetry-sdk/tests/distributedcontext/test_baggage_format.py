"""The W3C baggage header over the distributed-context API."""

import logging

from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryKey,
    EntryMetadata,
    EntryTTL,
    EntryValue,
)
from opentelemetry.sdk.distributedcontext import BaggageHTTPTextFormat, DistributedContextManager
from opentelemetry.sdk.distributedcontext.baggage_format import MAX_HEADER_BYTES, MAX_MEMBERS

FORMAT = BaggageHTTPTextFormat()
UNLIMITED = EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION)


def _extract(*values):
    headers = {"baggage": list(values)}
    return FORMAT.extract(lambda carrier, name: carrier.get(name), headers)


def _pairs(context):
    return [(str(entry.key), str(entry.value)) for entry in context.get_entries()]


def _entry(key, value, ttl=EntryTTL.UNLIMITED_PROPAGATION):
    return Entry(EntryMetadata(ttl), EntryKey.create(key), EntryValue.create(value))


def _inject(*entries):
    carrier = {}
    FORMAT.inject(DistributedContext(entries), dict.__setitem__, carrier)
    return carrier


def test_extract_reads_members_with_whitespace_and_properties():
    context = _extract(" userId = alice ; prop1 ; prop2=x , serverNode=DF%2028,isProduction=false")
    assert _pairs(context) == [("userId", "alice"), ("serverNode", "DF 28"), ("isProduction", "false")]
    assert all(entry.metadata == UNLIMITED for entry in context.get_entries())


def test_extract_combines_header_lines_in_order():
    assert _pairs(_extract("a=1", "b=2,c=3")) == [("a", "1"), ("b", "2"), ("c", "3")]


def test_extract_drops_malformed_members_and_keeps_the_rest(caplog):
    with caplog.at_level(logging.DEBUG):
        context = _extract('good=1,novalue,bad key=2,quote="x",=empty,utf8=%C3%A9,bad=%ZZ,ok=2')
    assert _pairs(context) == [("good", "1"), ("ok", "2")]
    assert "novalue" in caplog.text


def test_extract_without_the_header_gives_the_empty_context():
    assert _pairs(FORMAT.extract(lambda carrier, name: None, {})) == []
    assert _pairs(_extract(" , ,")) == []


def test_extract_keeps_at_most_the_member_limit():
    header = ",".join("k{}=v".format(i) for i in range(MAX_MEMBERS + 5))
    assert len(_pairs(_extract(header))) == MAX_MEMBERS


def test_extract_keeps_members_up_to_the_byte_limit():
    value = "v" * 250
    header = ",".join("k{:03d}={}".format(i, value) for i in range(40))  # about 10,200 bytes
    pairs = _pairs(_extract(header))
    kept_bytes = len(",".join("{}={}".format(k, v) for k, v in pairs))
    assert kept_bytes <= MAX_HEADER_BYTES < kept_bytes + len(pairs[0][0]) + 1 + 250 + 1
    assert pairs[0] == ("k000", value)


def test_extract_never_raises_for_a_broken_getter(caplog):
    def broken(carrier, name):
        raise OSError("gone")

    assert _pairs(FORMAT.extract(broken, {})) == []
    assert "Extracting the baggage failed" in caplog.text


def test_inject_percent_encodes_values_and_skips_local_entries():
    carrier = _inject(
        _entry("user", "a b,c;d%"), _entry("local", "x", EntryTTL.NO_PROPAGATION), _entry("n", "1")
    )
    assert carrier == {"baggage": "user=a%20b%2Cc%3Bd%25,n=1"}


def test_inject_round_trips_through_extract():
    entries = [_entry("k1", "v 1"), _entry("k2", "=;,\\\"")]
    carrier = _inject(*entries)
    assert _pairs(_extract(carrier["baggage"])) == [("k1", "v 1"), ("k2", "=;,\\\"")]


def test_inject_skips_keys_that_are_not_tokens(caplog):
    carrier = _inject(_entry("bad key", "1"), _entry("good", "2"))
    assert carrier == {"baggage": "good=2"}
    assert "'bad key' not sent" in caplog.text


def test_inject_stops_at_the_limits(caplog):
    carrier = _inject(*[_entry("k{:03d}".format(i), "v" * 250) for i in range(40)])
    assert len(carrier["baggage"]) <= MAX_HEADER_BYTES
    assert "over the header's limits" in caplog.text


def test_inject_writes_nothing_for_an_empty_context():
    assert _inject() == {}


def test_the_sdk_manager_can_use_the_baggage_format():
    manager = DistributedContextManager(http_text_format=BaggageHTTPTextFormat())
    assert isinstance(manager.http_text_format(), BaggageHTTPTextFormat)


def test_a_manager_given_something_else_logs_and_keeps_correlation_context(caplog):
    manager = DistributedContextManager(http_text_format="baggage")  # type: ignore[arg-type]
    assert type(manager.http_text_format()).__name__ == "CorrelationContextHTTPTextFormat"
    assert "Ignored http_text_format 'baggage'" in caplog.text


def test_inject_with_no_current_context_writes_nothing_and_logs_nothing(caplog):
    carrier = {}
    with caplog.at_level(logging.DEBUG):
        FORMAT.inject(None, dict.__setitem__, carrier)

    assert carrier == {} and caplog.records == []
