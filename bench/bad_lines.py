"""A 100,000-line feed with 1 % bad lines of every class: same findings as without them, one diagnostic per bad line.

    python bench/bad_lines.py                  # 100,000 lines, 1 % bad
    python bench/bad_lines.py --lines 20000 --bad 0.05

Prints, beside the clean feed's figures measured in the same run: lines, bad lines by class, diagnostics,
findings of each feed, and the CPU time of each read. Exit 1 when the findings differ, a bad line has no
diagnostic or more than one, or a good line has one. tests/test_bad_lines.py checks the same at a smaller size.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from badfeed import LONG_LINE, make_feed  # noqa: E402
from servanda import FeedReader, evaluate, load_rules, load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"


def read(data: bytes) -> tuple[list[dict[str, object]], FeedReader, float]:
    """The findings, the reader (its problems) and the CPU seconds of reading and evaluating ``data``."""
    rules = load_rules(ROOT / "rules")
    scenario = load_scenario(SCENARIO, rules)
    reader = FeedReader("feed.jsonl", rules.compiled.vocabulary, taken=frozenset(e.id for e in scenario.events),
                        states=scenario.states,
                        max_line=LONG_LINE)
    start = time.process_time()
    result = evaluate(rules, scenario, reader.read(io.BytesIO(data)))
    return [f.to_json() for f in result.findings], reader, time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="valid lines in the feed")
    parser.add_argument("--bad", type=float, default=0.01, help="share of bad lines inserted")
    args = parser.parse_args()
    feeds = make_feed(args.lines, args.bad)
    clean, clean_reader, clean_cpu = read(feeds.clean)
    mixed, reader, mixed_cpu = read(feeds.mixed)
    per_line = Counter(d.line for d in reader.problems)
    on_good = sorted(line for line in per_line if line not in feeds.bad)
    silent = sorted(line for line in feeds.bad if line not in per_line)
    doubled = sorted(line for line, n in per_line.items() if n > 1)
    print(f"clean feed: {args.lines:,} lines, {len(clean):,} findings, {len(clean_reader.problems)} diagnostics, "
          f"{clean_cpu:.2f} s CPU ({clean_cpu / args.lines * 1e6:.1f} µs/line)")
    total = args.lines + len(feeds.bad)
    print(f"mixed feed: {total:,} lines, {len(feeds.bad):,} bad, {len(mixed):,} findings, {len(reader.problems):,} diagnostics, "
          f"{reader.rejected:,} lines rejected, {mixed_cpu:.2f} s CPU ({mixed_cpu / total * 1e6:.1f} µs/line)")
    by_class = Counter(feeds.bad.values())
    codes = Counter((feeds.bad[d.line], d.code) for d in reader.problems if d.line in feeds.bad)
    for name in sorted(by_class):
        got = ", ".join(f"{code} ×{n}" for (cls, code), n in sorted(codes.items()) if cls == name)
        print(f"  {name:<18} {by_class[name]:>5} lines  → {got}")
    same = mixed == clean
    print(f"findings identical: {same}; diagnostics on good lines: {len(on_good)}; bad lines without one: {len(silent)}; "
          f"bad lines with more than one: {len(doubled)}")
    return 0 if same and not on_good and not silent and not doubled else 1


if __name__ == "__main__":
    sys.exit(main())
