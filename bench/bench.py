"""Throughput, memory and start-up benchmark of servanda against the orjson parse floor.

    python bench/bench.py                 # 200,000 events, about a minute on 2 cores
    python bench/bench.py --quick         # 20,000 events
    python bench/bench.py --events 500000 --rules rules

Each measurement runs in its own process (so peak RSS is per run): the orjson floor reads the feed's
lines and parses each; servanda runs what ``servanda check --events FEED`` runs (FeedReader over the
file, merged into a scenario with no events, evaluated by servanda.evaluate) and reports RSS after
25/50/75/100 % of the feed. Finally the real CLI checks the largest scenario in scenarios/.
Timings start after imports and rule loading. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "engine"), os.environ.get("PYTHONPATH")]))}
RUNS, CLI_RUNS = 3, 5
RATIO_TARGET, CLI_TARGET, FLAT_GROWTH = 0.5, 0.5, 0.10  # servanda ≥ 0.5 × floor; check ≤ 0.5 s; RSS +≤10 % from 25 % to 100 %
FINDING_KB = 2.0  # a kept finding (explanation, evidence, citation refs) costs ~1 kB: growth up to this is the output, not a leak
MARKS = (0.25, 0.5, 0.75, 1.0)


def rss_kb(key: str = "VmRSS") -> int:
    """This process's resident set (or, with ``VmHWM``, its peak) in kB, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/self/status")


# --- workers (one process each) -------------------------------------------------

def work_floor(feed: Path) -> dict[str, Any]:
    """Read the feed's lines and orjson.loads each."""
    import orjson

    start = time.perf_counter()
    count = 0
    with feed.open("rb") as stream:
        for line in stream:
            orjson.loads(line)
            count += 1
    seconds = time.perf_counter() - start
    return {"events": count, "seconds": seconds, "peak_kb": rss_kb("VmHWM")}


def checkpoints(stream: IO[bytes], total: int, record: Callable[[], None]) -> Iterator[bytes]:
    """Pass the stream's lines through, calling ``record`` after each quarter of ``total`` lines."""
    done = 0
    for mark in MARKS:
        upto = round(total * mark)
        yield from itertools.islice(stream, upto - done)
        done = upto
        record()
    yield from stream


def work_servanda(feed: Path, rules_dir: Path, scenario_path: Path, total: int) -> dict[str, Any]:
    """The CLI's feed pipeline: FeedReader over the file → servanda.evaluate with an empty scenario."""
    import servanda
    from servanda.engine import _evaluate as evaluation
    from servanda.language import FeedReader, open_feed

    runtimes: list[Any] = []

    class Observed(evaluation.Runtime):  # type: ignore[misc,name-defined]
        """The engine's runtime, remembered so checkpoints can count the findings kept so far."""

        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            runtimes.append(self)

    evaluation.Runtime = Observed  # type: ignore[attr-defined]
    rules = servanda.load_rules(rules_dir)
    scenario = servanda.load_scenario(scenario_path, rules)
    reader = FeedReader(str(feed), rules.compiled.vocabulary)
    rss, kept = [rss_kb()], []

    def record() -> None:
        rss.append(rss_kb())
        kept.append(len(runtimes[-1].findings))

    start = time.perf_counter()
    with open_feed(feed) as stream:
        result = servanda.evaluate(rules, scenario, reader.read(checkpoints(stream, total, record)))
    seconds = time.perf_counter() - start
    return {"events": total, "seconds": seconds, "findings": len(result.findings), "problems": len(reader.problems),
            "rss_kb": rss, "kept": kept, "peak_kb": rss_kb("VmHWM"),
            "grades": sorted(f"{f.treaty}/{f.rule}/{f.grade}/{f.party}/{f.date}" for f in result.findings)}


def spawn(*args: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and return what it reports."""
    done = subprocess.run([sys.executable, __file__, "--worker", *args], env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


# --- set-up ---------------------------------------------------------------------

def write_scenario(rules_dir: Path, path: Path) -> list[str]:
    """A scenario with no events over the feed's dates; treaties of unknown entry into force are assumed in force."""
    import feedgen
    from servanda.engine import load_rules

    compiled = load_rules(rules_dir).compiled
    unknown = sorted(t.id for t in compiled.treaties.values() if not t.in_force_known)
    lines = ["scenario: bench-feed", "title: Throughput benchmark (the events come from the feed)",
             f"as_of: {feedgen.LAST_DAY.isoformat()}", "assume:" if unknown else "assume: []"]
    lines += [f"  - {{treaty: {t}, in_force: {feedgen.FIRST_DAY.isoformat()}, note: assumed for the benchmark}}"
              for t in unknown]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return unknown


def shares(feed: Path, rules_dir: Path) -> tuple[int, int, int]:
    """(events among parties by design, events the prefilter lets through, all events), counted outside any timing."""
    import feedgen
    import orjson
    from servanda.language import parse_event
    from servanda.engine._prefilter import Prefilter
    from servanda.engine import load_rules

    compiled = load_rules(rules_dir).compiled
    prefilter, vocab = Prefilter(compiled), compiled.vocabulary
    designed = passed = total = 0
    with feed.open("rb") as stream:
        for line in stream:
            raw = orjson.loads(line)
            event, _ = parse_event(raw, vocab, lambda *a: a, ())  # type: ignore[arg-type,return-value]
            total += 1
            designed += feedgen.among_parties(raw)
            passed += event is not None and prefilter.relevant(event)
    return designed, passed, total


def largest_scenario(folder: Path) -> tuple[Path, int] | None:
    """The scenario file with the most events (ties: the first by name)."""
    import yaml

    best: tuple[Path, int] | None = None
    for path in sorted(folder.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        count = len(doc.get("events") or []) if isinstance(doc, dict) else 0
        if best is None or count > best[1]:
            best = (path, count)
    return best


def time_cli(scenario: Path, rules_dir: Path) -> tuple[list[float], int]:
    """Wall times of ``python -m servanda check SCENARIO`` (start-up included) and its exit code."""
    times, code = [], 0
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "servanda", "check", str(scenario), "--rules", str(rules_dir)],
                              cwd=ROOT, env=ENV, capture_output=True)
        times.append(time.perf_counter() - start)
        code = done.returncode
        if code not in (0, 1):
            raise SystemExit(f"servanda check failed ({code}):\n{done.stderr.decode()}")
    return times, code


# --- report ---------------------------------------------------------------------

def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def seconds(runs: list[dict[str, Any]], digits: int) -> str:
    return ", ".join(f"{r['seconds']:.{digits}f} s" for r in runs)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report_servanda(runs: list[dict[str, Any]], floor: float) -> None:
    rate = statistics.median(r["events"] / r["seconds"] for r in runs)
    findings = {r["findings"] for r in runs}
    if len(findings) != 1 or len({tuple(r["grades"]) for r in runs}) != 1:
        raise SystemExit(f"the findings differ between runs ({sorted(findings)}): evaluation is not deterministic")
    ratio = rate / floor
    print(f"servanda: {rate:,.0f} events/s  ({ratio:.3f} × floor; target ≥ {RATIO_TARGET} × floor: {met(ratio >= RATIO_TARGET)})")
    print(f"  runs: {seconds(runs, 2)}; findings: {findings.pop():,} in every run; "
          f"skipped lines: {runs[0]['problems']}; peak RSS: {', '.join(mb(r['peak_kb']) for r in runs)}")
    for r in runs:
        start, *marks = r["rss_kb"]
        points = "  ".join(f"{int(m * 100)} %: {mb(kb)}" for m, kb in zip(MARKS, marks))
        print(f"  RSS  start: {mb(start)}  {points}  (findings kept: {' → '.join(f'{k:,}' for k in r['kept'])})")
    start, *marks = runs[0]["rss_kb"]
    growth, added = marks[-1] - marks[0], runs[0]["kept"][-1] - runs[0]["kept"][0]
    per_finding = growth / added if added else float("inf") if growth > 0 else 0.0
    flat = growth <= FLAT_GROWTH * marks[0] or per_finding <= FINDING_KB
    print(f"  memory 25→100 %: {growth / 1024:+.1f} MB ({growth / marks[0]:+.1%}), {per_finding:.2f} kB per finding added  "
          f"(target flat: ≤ +{FLAT_GROWTH:.0%}, or ≤ {FINDING_KB} kB per finding kept: {met(flat)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "scenarios")
    args = parser.parse_args()
    count = 20_000 if args.quick else args.events
    began = time.perf_counter()
    feed, scenario = OUT / f"feed-{count}-{args.seed}.jsonl", OUT / "bench-scenario.yaml"

    import feedgen

    feedgen.write(feed, count, args.seed)
    assumed = write_scenario(args.rules, scenario)
    designed, passed, total = shares(feed, args.rules)
    print(f"feed: {total:,} events ({feed.stat().st_size / 1e6:.1f} MB, seed {args.seed}, {feedgen.FIRST_DAY}..{feedgen.LAST_DAY}); "
          f"among parties: {designed / total:.1%}; the prefilter passes {passed / total:.1%} to the backend")
    print(f"rules: {args.rules}; assumed in force from {feedgen.FIRST_DAY}: {', '.join(assumed) or 'none'}")

    floors = [spawn("floor", str(feed)) for _ in range(RUNS)]
    floor = statistics.median(r["events"] / r["seconds"] for r in floors)
    print(f"orjson floor: {floor:,.0f} events/s")
    print(f"  runs: {seconds(floors, 3)}; peak RSS: {', '.join(mb(r['peak_kb']) for r in floors)}")

    runs = [spawn("servanda", str(feed), str(args.rules), str(scenario), str(count)) for _ in range(RUNS)]
    report_servanda(runs, floor)

    largest = largest_scenario(args.scenarios) if args.scenarios.is_dir() else None
    if largest is None:
        print(f"servanda check (largest scenario): no scenarios in {args.scenarios}")
    else:
        times, code = time_cli(largest[0], args.rules)
        wall = statistics.median(times)
        print(f"servanda check (largest scenario): {wall:.2f} s  (target ≤ {CLI_TARGET} s: {met(wall <= CLI_TARGET)})")
        print(f"  {largest[0].relative_to(ROOT) if largest[0].is_relative_to(ROOT) else largest[0]}, "
              f"{largest[1]} events, exit {code}; runs: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"benchmark took {time.perf_counter() - began:.0f} s")


def worker(argv: list[str]) -> None:
    """Entry point of a measurement process; prints one JSON line."""
    role, *rest = argv
    if role == "floor":
        out = work_floor(Path(rest[0]))
    else:
        out = work_servanda(Path(rest[0]), Path(rest[1]), Path(rest[2]), int(rest[3]))
    print(json.dumps(out))


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "engine")]
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2:])
    else:
        main()
