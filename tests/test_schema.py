"""The JSON Schemas for editors: generated from the models, shipped in schemas/, named by every shipped file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from servanda.cli import main
from servanda.language import load_yaml
from servanda.language import FILE_TYPES, schema_for, schema_name
from servanda.reports import schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SHIPPED = (
    [(ROOT / "rules" / "vocabulary.yaml", "vocabulary")]
    + [(p, "treaty") for p in sorted((ROOT / "rules").glob("*/treaty.yaml"))]
    + [(p, "scenario") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
)
IDS = [str(p.relative_to(ROOT)) for p, _ in SHIPPED]
KINDS = [kind for kind, _ in FILE_TYPES]
MARK = "# yaml-language-server: $schema="


def validator(kind: str) -> jsonschema.Draft202012Validator:
    """A validator of the committed schema for ``kind`` that also checks "format": "date"."""
    schema = json.loads((SCHEMAS / schema_name(kind)).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(kind: str, data: Any) -> list[str]:
    """Every schema error of ``data`` as "path: message" lines, down to the branches of an anyOf."""
    lines: list[str] = []
    found = list(validator(kind).iter_errors(data))
    while found:
        error = found.pop()
        found.extend(error.context or ())
        lines.append(f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}")
    return sorted(lines)


@pytest.mark.parametrize("kind", KINDS)
def test_generated_schema_is_valid_draft_2020_12(kind: str) -> None:
    """Each generated schema declares draft 2020-12, its own file name as $id, a title, and is a valid schema."""
    schema = schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_name(kind)
    assert schema["title"] == f"servanda {kind} file" and schema["description"]


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schemas_are_up_to_date(kind: str) -> None:
    """schemas/ holds exactly what the models generate today."""
    committed = (SCHEMAS / schema_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), (
        f"schemas/{schema_name(kind)} is out of date with engine/servanda/language/_models.py: run `servanda schema` and commit schemas/"
    )


def test_dates_are_date_strings() -> None:
    """Dates are strings with "format": "date", as the loader keeps them."""
    as_of = schema_for("scenario")["properties"]["as_of"]
    assert as_of == {"format": "date", "title": "As Of", "type": "string"}


@pytest.mark.parametrize(("path", "kind"), SHIPPED, ids=IDS)
def test_shipped_file_validates_against_its_schema(path: Path, kind: str) -> None:
    """Every shipped rules and scenario file, read by servanda's loader, satisfies its committed schema."""
    assert errors(kind, load_yaml(path).data) == []


@pytest.mark.parametrize(("path", "kind"), SHIPPED, ids=IDS)
def test_shipped_file_names_its_schema(path: Path, kind: str) -> None:
    """Every shipped file's first line points editors at the right schema, by a path that exists."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MARK), f"{path.name} should start with '{MARK}…'"
    target = (path.parent / first[len(MARK):].strip()).resolve()
    assert target == (SCHEMAS / schema_name(kind)).resolve() and target.is_file()


def test_broken_scenario_is_rejected() -> None:
    """A scenario with an unknown key, an impossible date and a misspelt grade fails the schema."""
    data = load_yaml(ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml").data
    data["as_of"] = "2026-02-30"
    data["colour"] = "red"
    data["expect"]["findings"][0]["grade"] = "violaton"
    found = errors("scenario", data)
    assert any(line.startswith("as_of:") and "is not a 'date'" in line for line in found)
    assert any(line.startswith("(top):") and "'colour' was unexpected" in line for line in found)
    assert any(line.startswith("expect/findings/0/grade:") for line in found)


def test_a_malformed_event_is_rejected() -> None:
    """An event of the timeline, or added or replaced by a variant, with an impossible date or no kind fails the schema."""
    data = load_yaml(ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml").data
    data["events"][0]["date"] = "2026-02-30"
    del data["variants"][1]["events"]["replace"][0]["kind"]
    data["variants"][0]["events"] = {"add": [{"id": "x", "date": "2026-13-01", "kind": "join_bloc", "bloc": "b"}]}
    found = errors("scenario", data)
    assert any(line.startswith("events/0/date:") and "is not a 'date'" in line for line in found)
    assert any(line.startswith("variants/1/events/replace/0:") and "'kind' is a required property" in line for line in found)
    assert any(line.startswith("variants/0/events/add/0/date:") for line in found)


def test_broken_treaty_is_rejected() -> None:
    """A treaty clause without its text and with a lower-case party fails the schema."""
    data = load_yaml(ROOT / "rules" / "cst-1992" / "treaty.yaml").data
    del data["clauses"][0]["text"]
    data["members"][0]["state"] = "arm"
    found = errors("treaty", data)
    assert any(line.startswith("clauses/0:") and "'text' is a required property" in line for line in found)
    assert any(line.startswith("members/0/state:") for line in found)


def test_schema_command_writes_every_schema(tmp_path: Path) -> None:
    """`servanda schema --out DIR` writes the four schemas, equal to the generated ones, and lists them."""
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for kind in KINDS:
        path = tmp_path / "out" / schema_name(kind)
        assert path.read_text(encoding="utf-8") == schema_text(kind)
        assert f"wrote {path}" in result.stdout


def test_schema_command_reports_an_unwritable_folder(tmp_path: Path) -> None:
    """An --out folder that cannot be created is a located SV241 diagnostic with exit code 2, not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert "SV241: cannot write the schemas" in result.stderr
    assert "Traceback" not in result.output
