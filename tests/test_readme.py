"""The README's Python example runs as written."""

from __future__ import annotations

import pytest

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python_api_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API"):]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "the Python API section has a python code block"
    return match.group(1)


@pytest.mark.slow  # a fresh interpreter
def test_the_python_api_example_runs_and_prints_what_it_promises() -> None:
    """The example, run from the repository root in a fresh interpreter, succeeds and shows real results."""
    done = subprocess.run([sys.executable, "-c", _python_api_example()], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "engine"), "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert "violation KGZ → KAZ 2026-02-01 no-hostile-alliances" in out
    assert "seed-kg-joins-hostile-bloc[neutral-bloc] 0 findings" in out
    assert "[('changed', 'date'), ('changed', 'date')]" in out
    assert "['without event e1, the finding would not arise', 'without world fact 1, the finding would not arise']" in out
    assert any("no world fact bloc_directed_against" in line for line in out)
