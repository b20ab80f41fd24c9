"""``servanda schema``: write the JSON Schemas of servanda's file types, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click

from ..reports import write_schemas
from ._common import or_exit


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True,
              help="Folder to write the JSON Schemas into.")
def schema(out_dir: Path) -> None:
    """Write the JSON Schemas of treaty, vocabulary, world and scenario files (for editors and CI)."""
    for path in or_exit(write_schemas, out_dir):
        click.echo(f"wrote {path}")
