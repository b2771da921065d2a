"""Profile one timed scenario with cProfile: ``python benchmarks/profile_scenario.py b``.

Runs in a ``python -S`` child with one side on the path, like ``run.py``
(``--side reference`` profiles the reference, once ``run.py`` installed it),
and prints the functions that cost the most. cProfile adds a fixed cost to
every call, so it overstates code made of many small calls: read it for
where time goes, and ``run.py`` for how much.
"""

import argparse
import os
import subprocess
import sys


def _profile_here(side, scenario, iterations, sort, limit):
    import cProfile
    import pstats

    from workload import ATTRIBUTES

    module = __import__(side)
    if scenario == "e":
        run, check = module.setup_e(ATTRIBUTES)
    else:
        run, check = getattr(module, "setup_" + scenario.replace("-", "_"))()
    check()
    run(max(1, iterations // 10))
    profiler = cProfile.Profile()
    profiler.runcall(run, iterations)
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=list("abcdefg") + ["k-protobuf", "k-json"])
    parser.add_argument("--side", choices=("ours", "reference"), default="ours")
    parser.add_argument(
        "--iterations", type=int, default=20_000, help="k: batches of 512 spans, try 20"
    )
    parser.add_argument("--sort", default="tottime", help="a pstats sort key")
    parser.add_argument("--limit", type=int, default=25, help="rows to print")
    parser.add_argument("--in-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_child:
        _profile_here(args.side, args.scenario, args.iterations, args.sort, args.limit)
        return
    import run

    reference_dir = run.default_reference_dir() if args.side == "reference" else None
    command = [sys.executable, "-S", os.path.abspath(__file__), "--in-child"] + sys.argv[1:]
    sys.exit(
        subprocess.call(command, env=run.child_env(args.side, reference_dir), cwd=run.ROOT)
    )


if __name__ == "__main__":
    main()
