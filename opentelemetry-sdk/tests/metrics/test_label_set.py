"""Label sets: equal for equal labels, hashed by them, shown as the labels they hold."""

from opentelemetry.sdk import metrics


def test_label_set_repr_shows_its_labels_sorted():
    label_set = metrics.LabelSet({"route": "/", "method": "GET"})
    assert repr(label_set) == "LabelSet({'method': 'GET', 'route': '/'})"
    assert repr(metrics.EMPTY_LABEL_SET) == "LabelSet({})"


def test_equal_label_sets_hash_alike_and_different_ones_spread():
    assert hash(metrics.LabelSet({"a": "1", "b": "2"})) == hash(
        metrics.LabelSet({"b": "2", "a": "1"})
    )
    # Series are looked up by label set: all colliding would make each lookup a scan.
    hashes = {hash(metrics.LabelSet({"k": str(number)})) for number in range(100)}
    assert len(hashes) > 90


def test_label_set_is_not_equal_to_its_labels_in_another_form():
    label_set = metrics.LabelSet({"k": "v"})
    assert label_set != {"k": "v"}
    assert label_set != (("k", "v"),)
    assert label_set == metrics.LabelSet({"k": "v"})
    assert label_set != metrics.LabelSet({"k": "w"})
