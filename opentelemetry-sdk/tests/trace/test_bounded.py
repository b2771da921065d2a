"""The span limits' one enforcement point: eviction, drop counts, truncation."""

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import SpanLimits, TracerSource, _bounded


def test_set_evicting_drops_the_oldest_and_an_update_makes_an_entry_newest():
    attributes = {}
    assert [_bounded.set_evicting(attributes, k, 1, 2) for k in "aba"] == [0, 0, 0]
    assert list(attributes) == ["b", "a"]
    assert _bounded.set_evicting(attributes, "c", 3, 2) == 1
    assert attributes == {"a": 1, "c": 3}


def test_set_evicting_with_a_zero_limit_keeps_nothing_and_counts_the_drop():
    attributes = {}
    assert _bounded.set_evicting(attributes, "a", 1, 0) == 1
    assert attributes == {}


def test_append_evicting_makes_the_queue_and_counts_each_eviction():
    items, dropped = _bounded.append_evicting(None, 1, 2)
    items, dropped_again = _bounded.append_evicting(items, 2, 2)
    items, evicted = _bounded.append_evicting(items, 3, 2)
    assert (dropped, dropped_again, evicted) == (0, 0, 1)
    assert list(items) == [2, 3]
    _, nothing_kept = _bounded.append_evicting(None, 1, 0)
    assert nothing_kept == 1


def test_keep_newest_of_a_list_and_of_a_dict():
    assert _bounded.keep_newest([1, 2, 3], 2) == ([2, 3], 1)
    assert _bounded.keep_newest([1], 5) == ([1], 0)
    entries = {"a": 1, "b": 2, "c": 3}
    assert _bounded.keep_newest_entries(entries, 1) == 2
    assert entries == {"c": 3}


def test_drop_counts_are_made_on_the_first_drop_and_add_up():
    counts = _bounded.count_drops(None, "events", 2)
    assert _bounded.count_drops(counts, "events", 1) is counts
    assert (counts.attributes, counts.events, counts.links) == (0, 3, 0)


def test_truncation_cuts_strings_and_lists_of_strings_only():
    assert _bounded.truncate_attribute_value("abcdef", 3) == "abc"
    assert _bounded.truncate_attribute_value(["abcd", "x"], 2) == ["ab", "x"]
    assert _bounded.truncate_attribute_value(12345, 2) == 12345


def test_a_span_reads_its_drops_from_one_place():
    source = TracerSource(
        span_limits=SpanLimits(max_attributes=1, max_events=1, max_links=1),
        shutdown_on_exit=False,
    )
    link = trace_api.Link(trace_api.SpanContext(1, 2))
    span = source.get_tracer("t").start_span(
        "s", attributes={"a": 1, "b": 2}, links=[link, link]
    )
    span.set_attribute("c", 3)
    span.add_event("e1")
    span.add_event("e2")
    assert (span.dropped_attributes, span.dropped_events, span.dropped_links) == (2, 1, 1)
    assert dict(span.attributes) == {"c": 3}
    assert [event.name for event in span.events] == ["e2"]


def test_truncation_keeps_a_string_within_the_limit_whole():
    assert _bounded.truncate_attribute_value("abc", 3) == "abc"
    assert _bounded.truncate_attribute_value("abcd", 3) == "abc"
    assert _bounded.truncate_attribute_value("", 0) == ""
    assert _bounded.truncate_attribute_value(["abc", "abcd"], 3) == ["abc", "abc"]


def test_set_evicting_survives_another_thread_removing_the_key_first():
    class RemovedByAnotherThread(dict):
        """The key goes away between set_evicting's look and its update."""

        def __contains__(self, key):
            found = super().__contains__(key)
            super().pop(key, None)
            return found

    attributes = RemovedByAnotherThread(a=1)
    assert _bounded.set_evicting(attributes, "a", 2, 5) == 0
    assert dict(attributes) == {"a": 2}


def test_drops_are_counted_with_the_lock_renewed_as_in_a_forked_child():
    _bounded._renew_lock_in_child()  # what the fork hook runs in the child
    counts = _bounded.count_drops(None, "links", 1)
    assert _bounded.count_drops(counts, "links", 2).links == 3
