"""Run generated rule sets through the real runtime in a child process, so a backend crash is a test failure.

durable_rules can kill the process on some rule shapes (a segfault cannot be caught).
The parent keeps one ``RuntimeWorker``: it sends the vocabulary, treaty and scenario
texts as one JSON line and reads the findings back as one JSON line. If the child
dies, the call raises ``WorkerCrash`` with the inputs that killed it, and the next
call starts a fresh child. Run as a script, this module is the child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
if str(ENGINE) not in sys.path:
    sys.path.insert(0, str(ENGINE))

from servanda.engine import Backend  # noqa: E402
from servanda.language import compile_rules, compile_vocabulary  # noqa: E402
from servanda.engine import Context, build_context  # noqa: E402
from servanda.language import Event  # noqa: E402
from servanda.language import CompiledRules  # noqa: E402
from servanda.language import parse_yaml  # noqa: E402
from servanda.engine import Runtime  # noqa: E402
from servanda.language import compile_scenario  # noqa: E402

BACKENDS_KEPT = 32


@dataclass(frozen=True)
class Compiled:
    """A generated case after the real pipeline: rules, context, events and as_of."""

    rules: CompiledRules
    context: Context
    events: tuple[Event, ...]
    as_of: int


def compile_rules_text(vocabulary: str, treaty: str) -> CompiledRules:
    """Compile a vocabulary and one treaty given as YAML texts."""
    vocab = compile_vocabulary(parse_yaml(vocabulary, "vocabulary.yaml"))
    return compile_rules(vocab, [parse_yaml(treaty, "t/treaty.yaml")])


def compile_case(rules: CompiledRules, scenario: str) -> Compiled:
    """Compile a scenario text against compiled rules."""
    model, events = compile_scenario(parse_yaml(scenario, "scenario.yaml"), rules)
    context = build_context(rules, model.world, model.assume)
    return Compiled(rules, context, events, model.as_of.toordinal())


def run_runtime(compiled: Compiled, backend: Backend) -> list[dict[str, Any]]:
    """The runtime's findings, as JSON."""
    runtime = Runtime(compiled.rules, backend, compiled.context)
    runtime.feed(compiled.events)
    return [f.to_json() for f in runtime.finish(compiled.as_of)]


class WorkerCrash(AssertionError):
    """The child process died while evaluating a case."""


class RuntimeWorker:
    """A persistent child process that evaluates cases with the real runtime."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.stderr: IO[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ENGINE), os.environ.get("PYTHONPATH")])))
        self.stderr = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a chatty child cannot block on it
        return subprocess.Popen([sys.executable, "-u", str(Path(__file__).resolve())], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)

    def evaluate(self, vocabulary: str, treaty: str, scenario: str) -> list[dict[str, Any]]:
        """Findings JSON for one case; raise WorkerCrash if the child dies, AssertionError if it raised."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        line = ""
        try:
            process.stdin.write(json.dumps({"vocabulary": vocabulary, "treaty": treaty, "scenario": scenario}) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except BrokenPipeError:
            pass
        if not line:
            raise WorkerCrash(self._crash_message(treaty, scenario))
        reply = json.loads(line)
        if "error" in reply:
            raise AssertionError(f"the runtime raised on this case:\n{reply['error']}\n--- treaty\n{treaty}\n--- scenario\n{scenario}")
        findings: list[dict[str, Any]] = reply["findings"]
        return findings

    def _crash_message(self, treaty: str, scenario: str) -> str:
        process, self.process = self.process, None
        assert process is not None
        code = process.wait(timeout=10)
        stderr = ""
        if self.stderr is not None:
            self.stderr.seek(0)
            stderr = self.stderr.read()
        return (f"the runtime process died (exit code {code}) evaluating this case:\n--- treaty\n{treaty}\n"
                f"--- scenario\n{scenario}\n--- stderr\n{stderr[-2000:]}")

    def close(self) -> None:
        """Stop the child."""
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=10)
        self.process = None


def _serve(requests: IO[str], replies: IO[str]) -> None:
    """Answer one JSON request per line until the input ends."""
    backends: dict[tuple[str, str], tuple[CompiledRules, Backend]] = {}
    # Crashes can depend on every earlier case: record them all, then replay with
    # `python tests/differential_worker.py < LOG` (under valgrind, with `env -i` for a fixed heap layout).
    record = open(os.environ["SERVANDA_WORKER_LOG"], "a", encoding="utf-8") if os.environ.get("SERVANDA_WORKER_LOG") else None
    for line in requests:
        if record is not None:
            record.write(line)
            record.flush()
        request = json.loads(line)
        try:
            key = (request["vocabulary"], request["treaty"])
            if key not in backends:
                if len(backends) >= BACKENDS_KEPT:
                    backends.pop(next(iter(backends)))
                rules = compile_rules_text(*key)
                backends[key] = (rules, Backend(rules))
            rules, backend = backends[key]
            reply: dict[str, Any] = {"findings": run_runtime(compile_case(rules, request["scenario"]), backend)}
        except Exception:  # reported to the parent, which fails the test with it
            reply = {"error": traceback.format_exc()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    _serve(sys.stdin, sys.stdout)
