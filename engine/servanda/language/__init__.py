"""The language layer: reading and compiling what users write.

Safe YAML with the position of every node, pydantic models of vocabularies, treaties,
worlds and scenarios, their validation into located diagnostics, JSON Schemas for
editors, the compiler's named stages and the compiled form (IR) that both evaluators
run, scenario checking, variants as validated overlays, and event lines of a feed.
Nothing here evaluates a rule: that is the engine layer's job.
"""

from ._compiler import compile_rules, compile_vocabulary
from ._events import Event, EventParser, check_value, parse_date, parse_event
from ._feed import FeedReader, open_feed
from ._files import (MAX_BYTES, MAX_LINE, Limits, is_folder, is_regular, limits, open_regular, read_text, reading_limits,
                     scenario_paths)
from ._ir import (AbsenceRule, Citation, CompiledRule, CompiledRules, CompiledTreaty, Cond, DurationRule, EventsRule,
                  GradeException, Membership, Op, Pattern, QuotedText, Ref, RuleHead, Value)
from ._models import (Assumption, Expectations, ExpectedFinding, FieldSpec, Scenario, Treaty, Variant, Vocabulary, World,
                      WorldFact)
from ._overlay import Overlay, overlay_from_variant, overlay_rules, overlay_scenario
from ._scenario import compile_scenario
from ._schema import FILE_TYPES, schema_for, schema_name
from ._states import STANDARD_STATES, known_states
from ._validate import validate
from ._yaml import MAX_DEPTH, Document, Key, load_yaml, parse_yaml

__all__ = [
    "AbsenceRule",
    "Assumption",
    "Citation",
    "CompiledRule",
    "CompiledRules",
    "CompiledTreaty",
    "Cond",
    "Document",
    "DurationRule",
    "Event",
    "EventParser",
    "EventsRule",
    "Expectations",
    "ExpectedFinding",
    "FILE_TYPES",
    "FeedReader",
    "FieldSpec",
    "GradeException",
    "Key",
    "Limits",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LINE",
    "Membership",
    "Op",
    "Overlay",
    "Pattern",
    "QuotedText",
    "Ref",
    "RuleHead",
    "STANDARD_STATES",
    "Scenario",
    "Treaty",
    "Value",
    "Variant",
    "Vocabulary",
    "World",
    "WorldFact",
    "check_value",
    "compile_rules",
    "compile_scenario",
    "compile_vocabulary",
    "is_folder",
    "is_regular",
    "known_states",
    "limits",
    "load_yaml",
    "open_feed",
    "open_regular",
    "overlay_from_variant",
    "overlay_rules",
    "overlay_scenario",
    "parse_date",
    "parse_event",
    "parse_yaml",
    "read_text",
    "reading_limits",
    "scenario_paths",
    "schema_for",
    "schema_name",
    "validate",
]
