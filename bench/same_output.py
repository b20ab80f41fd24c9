"""Does this tree print what another revision printed? ``servanda`` commands on every bundled scenario, byte for byte.

    python bench/same_output.py be41b2b              # check, text and JSON, baseline and variants
    python bench/same_output.py be41b2b --all        # also diff, timeline and explain --counterfactuals

The other revision is checked out into a temporary git worktree; each command runs in a fresh
process under each tree's own package (PYTHONPATH), from this tree's root, on this tree's rules and
scenarios. Exit status and standard output are compared; the first differing lines are shown.
Exit 0 when everything is the same, 1 otherwise. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(all_commands: bool) -> list[list[str]]:
    """The command lines to compare, one per scenario and form."""
    out: list[list[str]] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = str(path.relative_to(ROOT))
        out += [["check", scenario], ["check", scenario, "--format", "json"],
                ["check", scenario, "--variants"], ["check", scenario, "--variants", "--format", "json"]]
        if all_commands:
            out += [["diff", scenario], ["diff", scenario, "--format", "json"], ["timeline", scenario],
                    ["timeline", scenario, "--format", "json"], ["explain", scenario, "--counterfactuals"]]
    out += [["check", "scenarios"], ["check", "scenarios", "--format", "json"]]
    return out


def run(engine: Path, args: list[str]) -> tuple[int, str]:
    """Exit status and standard output of ``servanda ARGS`` with the package found in ``engine``."""
    env = {**os.environ, "PYTHONPATH": str(engine), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "servanda", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the git revision to compare with")
    parser.add_argument("--all", action="store_true", help="also diff, timeline and explain --counterfactuals")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        other = Path(folder) / "other"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(other), args.revision], cwd=ROOT, check=True)
        try:
            differ = 0
            todo = commands(args.all)
            for command in todo:
                theirs, ours = run(other / "engine", command), run(ROOT / "engine", command)
                if theirs != ours:
                    differ += 1
                    print(f"DIFFERS: servanda {' '.join(command)}  (exit {theirs[0]} → {ours[0]})")
                    lines = difflib.unified_diff(theirs[1].splitlines(), ours[1].splitlines(), args.revision, "this tree", lineterm="")
                    print("\n".join(list(lines)[:12]))
            print(f"{len(todo) - differ} of {len(todo)} commands print the same as {args.revision}; {differ} differ")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=True)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
