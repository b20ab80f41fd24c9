"""Pydantic models of what users write: vocabularies, treaties, rules, worlds, scenarios.

Every model forbids unknown keys and is frozen. Cross-references (kinds, fields,
parties, aliases) are checked later by the compiler, which knows the vocabulary.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Callable, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WrapValidator, field_validator

from ..core import Grade

DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters; a huge integer by its size (its digits may be too many to print)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} item(s)"  # never its repr: it may be nested too deep to print
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key(s)"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]  # as YAML and JSON write them
    if not isinstance(value, (str, int, float)):
        return f"a {type(value).__name__}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


def _strict_date(value: Any, handler: Callable[[Any], dt.date]) -> dt.date:
    """A date object, or text written YYYY-MM-DD that is a real day; never a number, a timestamp or a datetime."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        day = handler(value)  # pydantic's own message for text that is no date at all (a day out of range, a bad year)
        if DATE_FORM.fullmatch(value):
            return day
    raise ValueError(f"expected a date YYYY-MM-DD, found {shown(value)}")


Date = Annotated[dt.date, WrapValidator(_strict_date)]
"""A calendar date written YYYY-MM-DD (pydantic alone would take 0, '1767139200' or a midnight timestamp too)."""
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Provenance = Literal["verified_text", "unofficial_translation", "press_quotation", "summary", "our_translation"]
FieldType = Literal["state", "id", "text", "boolean", "integer", "number", "date"]
Scalar = Union[bool, int, float, str]
MAX_DAYS = 36_500  # windows and deadlines of up to a century


def _whole(value: Any, handler: Callable[[Any], int]) -> int:
    """A whole number written as one: never true, 5.0 or the text '5' (pydantic alone would take each)."""
    if isinstance(value, str):
        handler(value)  # pydantic's own message for text that is no number at all
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, found {shown(value)}")
    return handler(value)


Count = Annotated[int, Field(ge=0, le=MAX_DAYS), WrapValidator(_whole)]  # a number of days, up to a century


class Strict(BaseModel):
    """Base of every user-facing model: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Unknown(Strict):
    """A date that is not known, said explicitly rather than invented."""

    unknown: Literal[True]
    note: str = ""


MaybeDate = Union[Date, Unknown, None]


# --- vocabulary -------------------------------------------------------------

class FieldSpec(Strict):
    """One field of an event kind or relation."""

    type: FieldType
    required: Annotated[bool, Field(strict=True)] = True
    values: tuple[str, ...] | None = None  # closed set for id/text fields
    description: str = ""


class Effect(Strict):
    """How an event changes the world: add or remove one relation fact."""

    add: Id | None = None
    remove: Id | None = None
    set: dict[str, str]  # relation field -> the event field whose value it takes


class KindSpec(Strict):
    """An event kind: its fields and its effects on the world."""

    description: str
    fields: dict[str, FieldSpec]
    effects: tuple[Effect, ...] = ()


class RelationSpec(Strict):
    """A kind of world fact (a membership, a basing right, a closure …)."""

    description: str
    fields: dict[str, FieldSpec]


class Vocabulary(Strict):
    """The event vocabulary and world relations every treaty's rules are checked against."""

    vocabulary: Literal[1]
    relations: dict[Id, RelationSpec]
    kinds: dict[Id, KindSpec]


# --- treaties ---------------------------------------------------------------

class Source(Strict):
    """Where a text or a fact comes from, and how sure we are of its wording."""

    id: Id
    address: str
    provenance: Provenance
    note: str = ""


class Member(Strict):
    """A party of a multilateral treaty with its own dates."""

    state: StateCode
    joined: Date | None = None
    left: Date | None = None


class Text(Strict):
    """A clause's wording in one language, with its provenance."""

    lang: str
    text: str
    provenance: Provenance
    source: Id


Condition = Union[Scalar, dict[str, Any]]


class Step(Strict):
    """One event a rule waits for; later steps name the earlier one they follow."""

    kind: Id
    where: dict[str, Condition] = Field(default_factory=dict)
    after: Id | None = None
    within_days: Count | None = None


class FactPattern(Strict):
    """A world fact that must hold when the completing event happens."""

    relation: Id
    where: dict[str, Condition] = Field(default_factory=dict)


class Unless(Strict):
    """An event whose arrival before the deadline clears an absence rule."""

    kind: Id
    where: dict[str, Condition] = Field(default_factory=dict)


class Absence(Strict):
    """The events that must follow the trigger within ``days`` days."""

    days: Count
    unless: tuple[Unless, ...] = Field(min_length=1)


class Duration(Strict):
    """A world fact that must not last more than ``more_than_days`` days."""

    relation: Id
    where: dict[str, Condition] = Field(default_factory=dict)
    more_than_days: Count


class ExceptionSpec(Strict):
    """A circumstance that changes the grade of a matched rule."""

    id: Id
    step: Id | None = None  # alias of the step whose fields are tested; default: the last step
    where: dict[str, Condition]
    grade: Grade | Literal["cleared"]
    note: str


class Rule(Strict):
    """One encoding of a clause: a pattern over events, world facts and time."""

    id: Id
    grade: Grade
    summary: str
    match: dict[Id, Step] | None = None  # alias -> step, in order
    facts: dict[Id, FactPattern] = Field(default_factory=dict)
    absence: Absence | None = None
    duration: Duration | None = None
    exceptions: tuple[ExceptionSpec, ...] = ()
    explanation: str


class Clause(Strict):
    """A clause: where it stands, its wording, and the rules that encode it."""

    id: Id
    article: str  # "Art. 1(2)", or "unnumbered"
    title: str
    text: tuple[Text, ...] = Field(min_length=1)
    note: str = ""
    rules: tuple[Rule, ...] = ()


class TreatyLinks(Strict):
    """How an instrument relates to others."""

    supersedes: tuple[Id, ...] = ()
    complements: tuple[Id, ...] = ()
    reaffirms: tuple[Id, ...] = ()


class Treaty(Strict):
    """An instrument, its parties and dates, its sources and its clauses."""

    treaty: Id
    titles: dict[str, str]
    kind: Literal["bilateral", "multilateral"]
    parties: tuple[StateCode, ...] = ()
    members: tuple[Member, ...] = ()
    signed: MaybeDate
    in_force: MaybeDate
    ends: MaybeDate = None
    links: TreatyLinks = TreatyLinks()
    sources: tuple[Source, ...] = Field(min_length=1)
    note: str = ""
    clauses: tuple[Clause, ...] = Field(min_length=1)

    @field_validator("titles")
    @classmethod
    def _english_title(cls, titles: dict[str, str]) -> dict[str, str]:
        """Refuse titles without an English one."""
        if "en" not in titles:
            raise ValueError("an English title ('en') is required")
        return titles


# --- worlds, events and scenarios -------------------------------------------

class WorldFact(Strict):
    """A fact of the initial world; ``fields`` are the relation's fields."""

    relation: Id
    id: Id | None = None
    since: Date | None = None
    fields: dict[str, Scalar]


class World(Strict):
    """The initial world: its states and its facts."""

    states: dict[StateCode, str] = Field(default_factory=dict)  # code -> name
    facts: tuple[WorldFact, ...] = ()


class Assumption(Strict):
    """A scenario's assumption about an unknown treaty date."""

    treaty: Id
    in_force: Date | None = None
    ends: Date | None = None
    note: str


class ExpectedFinding(Strict):
    """A finding a scenario expects, compared on the keys given."""

    treaty: Id
    clause: Id
    rule: Id | None = None
    grade: Grade | None = None
    party: StateCode | None = None
    protected: StateCode | None = None
    date: Date | None = None
    events: tuple[str, ...] | None = None


class Expectations(Strict):
    """What a scenario must and must not produce. ``findings`` is the complete list."""

    findings: tuple[ExpectedFinding, ...] = ()
    absent: tuple[ExpectedFinding, ...] = ()


class FactSelector(Strict):
    """Initial world facts picked by relation and (some of) their fields."""

    relation: Id
    fields: dict[str, Scalar] = Field(default_factory=dict)


class EventChanges(Strict):
    """A variant's changes to the timeline; ``replace`` swaps the event with the same id."""

    add: tuple[dict[str, Any], ...] = ()
    remove: tuple[str, ...] = ()
    replace: tuple[dict[str, Any], ...] = ()


class WorldChanges(Strict):
    """A variant's changes to the initial world; ``remove`` names facts by id or by selector."""

    states: dict[StateCode, str] = Field(default_factory=dict)
    add: tuple[WorldFact, ...] = ()
    remove: tuple[Union[Id, FactSelector], ...] = ()


class SwitchOff(Strict):
    """A treaty, one of its clauses, or one rule of a clause, left out of a variant."""

    treaty: Id
    clause: Id | None = None
    rule: Id | None = None


class Amendment(Strict):
    """A hypothetical amendment: the clause's rules (and optionally its wording) replaced."""

    treaty: Id
    clause: Id
    note: str
    text: tuple[Text, ...] = ()
    rules: tuple[Rule, ...]


class Variant(Strict):
    """A named what-if: an overlay on the scenario's baseline, with its own expectations."""

    name: Id
    description: str = ""
    as_of: Date | None = None
    events: EventChanges = EventChanges()
    world: WorldChanges = WorldChanges()
    assume: tuple[Assumption, ...] = ()  # replaces the baseline's assumption for each treaty named
    switch_off: tuple[SwitchOff, ...] = ()
    amend: tuple[Amendment, ...] = ()
    expect: Expectations | None = None


class Scenario(Strict):
    """A what-if world and timeline, with the findings it expects."""

    scenario: Id
    title: str
    description: str = ""
    sources: tuple[Source, ...] = ()
    as_of: Date
    assume: tuple[Assumption, ...] = ()
    world: World = World()
    events: tuple[dict[str, Any], ...] = ()
    expect: Expectations | None = None
    variants: tuple[Variant, ...] = ()
