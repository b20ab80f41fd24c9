"""Wall-clock time of the workbench commands on the largest bundled scenario, start-up included.

    python bench/workbench.py             # 5 runs of each command
    python bench/workbench.py --runs 10

Each command runs as a user runs it: a fresh ``python -m servanda`` process. The baseline, measured
in the same run, is ``servanda --version`` (interpreter and import start-up only); each figure is
reported in seconds (median of the runs) and as a ratio to that baseline. Target: explain, why-not,
diff and counterfactuals each ≤ 1 s including start-up. Two scenarios are measured: the one with the
most events plus variants, and the one with the most findings; the first finding is the one explained. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "engine"), os.environ.get("PYTHONPATH")]))}
TARGET = 1.0


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would, from the repository root."""
    return subprocess.run([sys.executable, "-m", "servanda", *args], cwd=ROOT, env=ENV, capture_output=True, text=True)


def timed(args: list[str], runs: int) -> tuple[float, int]:
    """Median wall-clock seconds of ``runs`` runs, and the exit code of the last."""
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = cli(*args).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def largest_scenarios() -> list[Path]:
    """The bundled scenario with the most events plus variants, and the one with the most findings."""
    sizes = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        data = json.loads(cli("timeline", str(path), "--format", "json").stdout)
        variants = path.read_text(encoding="utf-8").count("\n  - name:")
        sizes[path] = (len(data["events"]) + variants, len(data["findings"]))
    picks = [max(sizes, key=lambda p: sizes[p]), max(sizes, key=lambda p: sizes[p][::-1])]
    return list(dict.fromkeys(picks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for scenario in largest_scenarios():
        measure(scenario, args.runs)


def measure(scenario: Path, runs: int) -> None:
    """Time each command on ``scenario`` and print the figures."""
    findings = json.loads(cli("check", str(scenario), "--format", "json").stdout)["findings"]
    first = findings[0]
    clause = f"{first['treaty']}/{first['clause']}"
    commands = {
        "start-up (servanda --version)": ["--version"],
        "check": ["check", str(scenario)],
        "explain --finding (with counterfactuals)": ["explain", str(scenario), "--finding", first["id"]],
        "explain --counterfactuals (every finding)": ["explain", str(scenario), "--counterfactuals"],
        "explain --why-not": ["explain", str(scenario), "--why-not", clause],
        "diff (all variants)": ["diff", str(scenario)],
    }
    print(f"scenario: {scenario.relative_to(ROOT)} ({len(findings)} findings); {runs} runs each, median")
    base = None
    for label, argv in commands.items():
        seconds, code = timed(argv, runs)
        base = base or seconds
        verdict = "" if label.startswith("start-up") or label == "check" else ("  target ≤ 1 s: met" if seconds <= TARGET else "  target ≤ 1 s: NOT met")
        print(f"  {label:<42} {seconds:6.3f} s  ({seconds / base:4.2f} × start-up, exit {code}){verdict}")


if __name__ == "__main__":
    main()
