"""The command line layer: one module per command, each argv → library call → renderer → exit code.

The only layer that prints, exits or colours (and colour only at a terminal). Exit codes:
0 nothing found, 1 findings, warnings or mismatches, 2 input refused (every located
diagnostic is printed on standard error, even when findings were printed too), 70 an
internal error, 74 output closed, 130 interrupted (see ``_top``). ``main`` is the
``servanda`` console script.
"""

from __future__ import annotations

import click

from ..language import reading_limits
from ._check import check
from ._diff import diff
from ._explain import explain
from ._lint import lint
from ._schema import schema
from ._test import test
from ._timeline import timeline
from ._top import Servanda

__all__ = ["main"]


@click.group(cls=Servanda)
@click.version_option(package_name="servanda")
@click.option("--max-yaml-bytes", type=click.IntRange(1), envvar="SERVANDA_MAX_YAML_BYTES", default=None, metavar="N",
              help="Refuse YAML files (rules, scenarios) larger than N bytes (default 8 MiB).")
@click.option("--max-line-bytes", type=click.IntRange(1), envvar="SERVANDA_MAX_LINE_BYTES", default=None, metavar="N",
              help="Refuse feed lines longer than N bytes (default 1 MiB); the feed itself has no limit.")
@click.pass_context
def main(ctx: click.Context, max_yaml_bytes: int | None, max_line_bytes: int | None) -> None:
    """servanda: check events against treaty clauses encoded as rules.

    Exit status: 0 nothing found, 1 findings, 2 input refused, 70 internal error.
    """
    changes = {name: value for name, value in (("yaml_bytes", max_yaml_bytes), ("line_bytes", max_line_bytes)) if value}
    ctx.with_resource(reading_limits(**changes))


for _command in (check, test, lint, schema, diff, timeline, explain):
    main.add_command(_command)
