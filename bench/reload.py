"""Memory of a process that loads rules again and again: RSS growth over load-and-evaluate cycles.

    python bench/reload.py                  # 1,000 cycles, about four minutes on 2 cores
    python bench/reload.py --cycles 200

One cycle is what a notebook or a service repeats: load the rules folder, load the seed
scenario (whose variants that amend or switch off clauses compile rulesets of their own) and
evaluate its baseline and every variant. Each measurement runs in its own process. The
baseline, measured in the same run, is the same loop with the freeing of dropped rulesets
switched off, as servanda was before it freed them. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "engine"), os.environ.get("PYTHONPATH")]))}
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
TARGET_MB = 20.0
WARM_UP = 5  # cycles before the first reading: imports, caches and allocator pools settle


def rss_mb() -> float:
    """This process's resident set in MB, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def work(cycles: int, free: bool) -> dict[str, Any]:
    """Run the cycles in this process; RSS after the warm-up and at each tenth, and the rulesets left alive."""
    import servanda
    from servanda.engine import _backend, live_rulesets

    if not free:
        _backend._free_rulesets = lambda handles: None  # as before: dropped rulesets stay in the engine

    def cycle() -> None:
        rules = servanda.load_rules(ROOT / "rules")
        servanda.evaluate_cases(rules, servanda.load_scenario(SEED, rules))

    for _ in range(WARM_UP):
        cycle()
    gc.collect()
    readings = [rss_mb()]
    start = time.perf_counter()
    for n in range(1, cycles + 1):
        cycle()
        if n % max(1, cycles // 10) == 0 or n == cycles:
            gc.collect()
            readings.append(rss_mb())
    return {"cycles": cycles, "seconds": time.perf_counter() - start, "rss": readings, "rulesets": live_rulesets()}


def spawn(cycles: int, free: bool) -> dict[str, Any]:
    """One measurement in a fresh process."""
    done = subprocess.run([sys.executable, __file__, "--worker", str(cycles), "free" if free else "keep"],
                          env=ENV, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--baseline-cycles", type=int, default=200,
                        help="cycles of the baseline (without freeing rulesets); its growth is also given per 1,000 cycles")
    args = parser.parse_args()
    now = spawn(args.cycles, free=True)
    before = spawn(args.baseline_cycles, free=False)
    growth = now["rss"][-1] - now["rss"][0]
    old = before["rss"][-1] - before["rss"][0]
    print(f"scenario: {SEED.relative_to(ROOT)}; a cycle loads the rules and the scenario and evaluates every case")
    print(f"servanda: {now['cycles']:,} cycles in {now['seconds']:.0f} s; RSS {now['rss'][0]:.1f} → {now['rss'][-1]:.1f} MB, "
          f"growth {growth:+.1f} MB (target < {TARGET_MB:.0f} MB: {'met' if growth < TARGET_MB else 'NOT met'}); "
          f"rulesets alive at the end: {now['rulesets']}")
    print("  RSS at each tenth: " + " ".join(f"{r:.1f}" for r in now["rss"]))
    print(f"baseline (dropped rulesets not freed): {before['cycles']:,} cycles, RSS {before['rss'][0]:.1f} → "
          f"{before['rss'][-1]:.1f} MB, growth {old:+.1f} MB (≈ {old * 1000 / before['cycles']:+.0f} MB per 1,000 cycles); "
          f"rulesets alive at the end: {before['rulesets']}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "engine"))
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(work(int(sys.argv[2]), sys.argv[3] == "free")))
    else:
        main()
