"""The command line layer: one module per command, each argv → library call → renderer → exit code.

The only layer that prints, exits or colours (and colour only at a terminal). Exit codes:
0 nothing found, 1 findings, warnings or mismatches, 2 input errors (every located
diagnostic is printed on standard error). ``main`` is the ``servanda`` console script.
"""

from __future__ import annotations

import click

from ._check import check
from ._diff import diff
from ._explain import explain
from ._lint import lint
from ._schema import schema
from ._test import test
from ._timeline import timeline

__all__ = ["main"]


@click.group()
@click.version_option(package_name="servanda")
def main() -> None:
    """servanda: check events against treaty clauses encoded as rules."""


for _command in (check, test, lint, schema, diff, timeline, explain):
    main.add_command(_command)
