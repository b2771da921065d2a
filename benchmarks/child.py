"""One measurement in a fresh interpreter: ``child.py SIDE SCENARIO ITERATIONS ROUNDS``.

``run.py`` starts it with ``python -S`` and a ``PYTHONPATH`` holding exactly
one side's packages (ours, the reference, or nothing for the floor), so the
two ``opentelemetry`` namespaces never mix. It prints one JSON line: the
figures, and the files ``opentelemetry.trace`` and ``opentelemetry.sdk.trace``
came from, which ``run.py`` checks against the side it asked for.
"""

import sys
import time

SIDES = ("ours", "reference", "floor")


def _measure_import():
    # Only sys and time are loaded before this line, so every module the
    # package needs is imported, and timed, here.
    start = time.perf_counter_ns()
    import opentelemetry.sdk.trace  # noqa: F401

    return {"value": (time.perf_counter_ns() - start) / 1e6}  # milliseconds


def _timed(setup, iterations, rounds):
    import gc

    run, check = setup()
    check()
    run(max(1, iterations // 10))
    best = None
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter_ns()
        run(iterations)
        elapsed = time.perf_counter_ns() - start
        best = elapsed if best is None else min(best, elapsed)
    check()
    return {"value": best / iterations}


def _batch(setup, iterations):
    import threading

    produce, finish = setup()
    barrier = threading.Barrier(3)

    def producer():
        barrier.wait()
        produce(iterations)

    threads = [threading.Thread(target=producer) for _ in range(2)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter_ns()
    for thread in threads:
        thread.join()
    produced = time.perf_counter_ns() - start
    counts = finish()
    drained = time.perf_counter_ns() - start
    ended = 2 * iterations
    return {
        "value": produced / ended,
        "spans_per_second": ended / (produced / 1e9),
        "ended": ended,
        "exported": counts["exported"],
        "dropped": ended - counts["exported"],
        "dropped_reported": counts["dropped_reported"],
        "seconds_until_all_exported": drained / 1e9,
    }


def _memory(setup, attributes, iterations):
    import gc
    import tracemalloc

    run, exporter = setup(attributes)
    run(100)
    exporter.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    run(iterations)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    retained = len(exporter.get_finished_spans())
    assert retained == iterations, (retained, iterations)
    return {"value": (after - before) / iterations}


def _origin():
    if "opentelemetry" not in sys.modules:
        return None
    import opentelemetry.sdk.trace
    import opentelemetry.trace

    return {"api": opentelemetry.trace.__file__, "sdk": opentelemetry.sdk.trace.__file__}


def main(argv):
    side, scenario, iterations, rounds = argv[0], argv[1], int(argv[2]), int(argv[3])
    if side not in SIDES:
        raise SystemExit("unknown side {!r}".format(side))
    if scenario == "j":
        result = _measure_import()
    else:
        import importlib

        from workload import ATTRIBUTES, OTLP_BATCH_SIZE, NotBuiltYet

        module = importlib.import_module(side)
        try:
            if scenario == "h":
                result = _batch(module.setup_h, iterations)
            elif scenario in ("i-plain", "i-attrs"):
                attributes = ATTRIBUTES if scenario == "i-attrs" else None
                result = _memory(module.setup_i, attributes, iterations)
            elif scenario == "e":
                result = _timed(lambda: module.setup_e(ATTRIBUTES), iterations, rounds)
            elif scenario.startswith("k-"):
                # One iteration encodes a whole batch: report microseconds per span.
                setup = getattr(module, "setup_" + scenario.replace("-", "_"))
                result = _timed(setup, iterations, rounds)
                result["value"] /= OTLP_BATCH_SIZE * 1000
            else:
                setup = getattr(module, "setup_" + scenario.replace("-", "_"))
                result = _timed(setup, iterations, rounds)
            result["status"] = "ok"
        except NotBuiltYet as error:
            result = {"status": "not built yet", "detail": str(error)}
    import json

    result.setdefault("status", "ok")
    result["origin"] = _origin()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
