"""``servanda explain``: a finding's evidence chain, why a clause did not fire, or every finding's counterfactuals."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DiagnosticError
from ..reports import counterfactuals_json, counterfactuals_text, explain_json, explanation_text, why_not_text
from ..workbench import Explanation, every_counterfactual, explain_finding, select_variant, why_not
from ._common import RULES, fail, rules_or_exit, scenario_or_exit
from ._terminal import echo


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--finding", "finding_id", default=None, metavar="ID", help="Explain the finding with this id.")
@click.option("--why-not", "clause", default=None, metavar="CLAUSE",
              help="Explain why a clause (TREATY/CLAUSE, or a clause id unique across treaties) did or did not fire.")
@click.option("--party", default=None, metavar="XXX", help="With --why-not: only role pairs where this state is bound.")
@click.option("--counterfactuals", "every", is_flag=True,
              help="For every finding: the evidence whose removal, or the timely event whose addition, clears it.")
@click.option("--variant", default=None, metavar="NAME", help="Explain within one of the scenario's variants.")
@RULES
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(scenario: Path, finding_id: str | None, clause: str | None, party: str | None, every: bool,
            variant: str | None, rules_dir: Path, fmt: str) -> None:
    """Show a finding's evidence chain and counterfactuals, why a clause did not fire, or every finding's counterfactuals.

    Exit 0 when explained, 2 on input errors (including an unknown finding id, clause or variant).
    """
    if sum(x is not None and x is not False for x in (finding_id, clause, every)) != 1:
        raise click.UsageError("give exactly one of --finding ID, --why-not CLAUSE or --counterfactuals")
    if party is not None and clause is None:
        raise click.UsageError("--party goes with --why-not")
    rules = rules_or_exit(rules_dir)
    loaded = scenario_or_exit(scenario, rules)
    try:
        rules, loaded = select_variant(rules, loaded, variant)
        if every:
            pairs = every_counterfactual(rules, loaded)
            echo(counterfactuals_json(pairs) if fmt == "json" else counterfactuals_text(pairs))
            return
        result = (explain_finding(rules, loaded, finding_id) if finding_id is not None
                  else why_not(rules, loaded, clause or "", party))
    except DiagnosticError as exc:
        fail(exc.diagnostics, fmt == "json")
    if fmt == "json":
        click.echo(explain_json(result))
    elif isinstance(result, Explanation):
        echo(explanation_text(result))
    else:
        echo(why_not_text(result))
