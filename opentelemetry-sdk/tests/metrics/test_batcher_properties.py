"""Collections in any order of updates and exports: nothing is lost or counted twice."""

from hypothesis import given, settings
from hypothesis import strategies as st

from opentelemetry.sdk import metrics

# A step: add a value, collect, hand the records out (checkpoint_set), or finish an export.
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(min_value=-1000, max_value=1000)),
        st.tuples(st.just("record"), st.integers(min_value=0, max_value=1000)),
        st.tuples(st.sampled_from(["collect", "checkpoint_set", "finish"]), st.none()),
    ),
    max_size=60,
)


def run(stateful, steps):
    meter = metrics.Meter(metrics.UngroupedBatcher(stateful))
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter).get_handle(
        metrics.EMPTY_LABEL_SET
    )
    measure = meter.create_metric("m", "d", "1", int, metrics.Measure).get_handle(
        metrics.EMPTY_LABEL_SET
    )
    handed_out = []
    records = []
    for action, value in steps:
        if action == "add":
            counter.add(value)
        elif action == "record":
            measure.record(value)
        elif action == "collect":
            meter.collect()
        elif action == "checkpoint_set":
            batch = meter.batcher.checkpoint_set()
            records.append((batch, [r.aggregator.checkpoint for r in batch]))
            handed_out.append({r.metric.name: r.aggregator.checkpoint for r in batch})
        else:
            meter.batcher.finished_collection()
    meter.collect()
    handed_out.append(
        {r.metric.name: r.aggregator.checkpoint for r in meter.batcher.checkpoint_set()}
    )
    # What was handed to an exporter did not change afterwards.
    for batch, checkpoints in records:
        assert [r.aggregator.checkpoint for r in batch] == checkpoints
    return handed_out


@settings(deadline=None, max_examples=200)
@given(STEPS)
def test_delta_exports_add_up_to_every_value_exactly_once(steps):
    exports = run(False, steps)
    added = sum(value for action, value in steps if action == "add")
    recorded = [value for action, value in steps if action == "record"]
    assert sum(export.get("c", 0) for export in exports) == added
    distributions = [export["m"] for export in exports if "m" in export and export["m"].count]
    assert sum(d.count for d in distributions) == len(recorded)
    assert sum(d.sum for d in distributions) == sum(recorded)
    if recorded:
        assert min(d.min for d in distributions) == min(recorded)
        assert max(d.max for d in distributions) == max(recorded)


@settings(deadline=None, max_examples=200)
@given(STEPS)
def test_cumulative_exports_end_at_the_total_and_values_already_exported_never_change(steps):
    exports = run(True, steps)
    added = sum(value for action, value in steps if action == "add")
    recorded = [value for action, value in steps if action == "record"]
    assert exports[-1].get("c", 0) == added
    if recorded:
        assert exports[-1]["m"].count == len(recorded)
        assert exports[-1]["m"].sum == sum(recorded)
    counts = [export["m"].count for export in exports if "m" in export]
    assert counts == sorted(counts)  # cumulative: never goes back
