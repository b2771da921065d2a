"""CorrelationContextHTTPTextFormat: distributed context in the Correlation-Context header."""

import logging

from hypothesis import given
from hypothesis import strategies as st

from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryKey,
    EntryMetadata,
    EntryTTL,
    EntryValue,
)
from opentelemetry.sdk.distributedcontext import CorrelationContextHTTPTextFormat

FORMAT = CorrelationContextHTTPTextFormat()
PROPAGATED = EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION)
LOCAL = EntryMetadata(EntryTTL.NO_PROPAGATION)


def entry(key, value, metadata=PROPAGATED):
    return Entry(metadata, EntryKey.create(key), EntryValue.create(value))


def extract(*values):
    return FORMAT.extract(lambda c, n: c.get(n), {"correlation-context": list(values)})


def inject(context):
    carrier = {}
    FORMAT.inject(context, dict.__setitem__, carrier)
    return carrier


def items(context):
    return [(str(e.key), str(e.value)) for e in context.get_entries()]


def test_extract_reads_the_examples_of_the_draft():
    context = extract("userId=sergey,serverNode=DF:28,isProduction=false")
    assert items(context) == [("userId", "sergey"), ("serverNode", "DF:28"), ("isProduction", "false")]
    assert all(e.metadata == PROPAGATED for e in context.get_entries())


def test_extract_combines_header_lines_decodes_and_trims_spaces():
    context = extract("userId =   sergey", "serverNode = DF%3A28, isProduction = false")
    assert items(context) == [("userId", "sergey"), ("serverNode", "DF:28"), ("isProduction", "false")]


def test_extract_ignores_properties():
    assert items(extract("a=1;ttl=5;flag, b=2")) == [("a", "1"), ("b", "2")]


def test_extract_drops_only_the_invalid_entries(caplog):
    with caplog.at_level(logging.DEBUG):
        context = extract("a=1,novalue,=2,b=%E9,c=%ZZ,d=" + "x" * 300 + ",e=5")
    assert items(context) == [("a", "1"), ("c", "%ZZ"), ("e", "5")]
    assert "Dropped Correlation-Context entry" in caplog.text


def test_extract_keeps_the_later_entry_of_a_repeated_name():
    assert items(extract("a=1,a=2")) == [("a", "2")]


def test_extract_keeps_at_most_180_entries():
    header = ",".join("k{}=v".format(i) for i in range(200))
    assert len(items(extract(header))) == 180


def test_extract_ignores_a_header_over_8192_characters():
    assert items(extract("a=1," + "b" * 9000)) == []


def test_extract_of_nothing_or_a_broken_getter_is_the_empty_context(caplog):
    assert items(FORMAT.extract(lambda c, n: None, {})) == []

    def broken(carrier, name):
        raise RuntimeError("broken")

    with caplog.at_level(logging.WARNING):
        assert items(FORMAT.extract(broken, {})) == []
    assert "Extracting the Correlation-Context failed" in caplog.text


def test_inject_writes_propagated_entries_encoded():
    context = DistributedContext([entry("user id", "a,b=c"), entry("local", "x", LOCAL), entry("n", "1")])
    assert inject(context) == {"correlation-context": "user%20id=a%2Cb%3Dc,n=1"}


def test_inject_of_nothing_to_propagate_writes_no_header():
    assert inject(DistributedContext([entry("local", "x", LOCAL)])) == {}
    assert inject(DistributedContext()) == {}


def test_inject_skips_entries_over_the_limits_with_a_warning(caplog):
    many = DistributedContext(entry("k{}".format(i), "v" * 200) for i in range(60))
    with caplog.at_level(logging.WARNING):
        header = inject(many)["correlation-context"]
    assert len(header) <= 8192
    assert "over the header's limits" in caplog.text


def test_inject_with_a_failing_setter_logs_and_returns(caplog):
    def broken(carrier, name, value):
        raise RuntimeError("broken")

    with caplog.at_level(logging.WARNING):
        FORMAT.inject(DistributedContext([entry("a", "1")]), broken, {})
    assert "Injecting the Correlation-Context failed" in caplog.text


printable = st.text(alphabet=[chr(c) for c in range(0x20, 0x7F)], max_size=40)


@given(st.lists(st.tuples(printable.filter(bool), printable), max_size=10, unique_by=lambda kv: kv[0]))
def test_inject_then_extract_round_trips(pairs):
    context = DistributedContext(entry(k, v) for k, v in pairs)
    carrier = inject(context)
    extracted = FORMAT.extract(lambda c, n: [c[n]] if n in c else [], carrier)
    assert items(extracted) == pairs  # spaces are percent-encoded, so nothing is trimmed


@given(st.lists(st.text(max_size=100), max_size=5))
def test_extract_of_arbitrary_headers_never_raises(values):
    assert isinstance(extract(*values), DistributedContext)


def test_inject_with_no_current_context_writes_nothing_and_logs_nothing(caplog):
    from opentelemetry.sdk.distributedcontext import DistributedContextManager

    manager = DistributedContextManager()
    # The propagation guide's pattern, run outside any use_context block.
    assert manager.get_current_context() is None
    with caplog.at_level(logging.DEBUG):
        assert inject(manager.get_current_context()) == {}

    assert caplog.records == []
