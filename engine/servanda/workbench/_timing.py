"""Conditions on days, checked and explained: in-force days, step windows, deadlines and durations.

Each check asks the engine's shared day arithmetic (``engine.in_window``, ``absence_due``,
``duration_start``, ``PairWindow.covers``) one question at a time, so that an explanation
can show each answer and a why-not can name the one that failed.
"""

from __future__ import annotations

from typing import Sequence

from ..core import Day, iso
from ..engine import PairWindow, Stretch, absence_deadline, absence_due, answers, duration_due, duration_start, in_window
from ..language import AbsenceRule, Event, EventsRule, Pattern
from ._evidence import CondCheck, check_all, event_item, fact_item, failure, span, time_check


def pair_bound(window: PairWindow, day: Day) -> CondCheck:
    """The role pair is bound under the treaty on ``day``."""
    who = f"{window.bound} bound to {window.protected} under {window.treaty}"
    return time_check("date", "in_force", who, span(window.first, window.last), iso(day), window.covers(day),
                      f"on {iso(day)} the pair was not bound under {window.treaty} "
                      f"(its window is {span(window.first, window.last)})")


def after_step(step: Pattern, event: Event, earlier: Event) -> CondCheck:
    """A later step falls on or after the step it names, within its window."""
    limit = step.within_days
    gap = event.day - earlier.day
    expected = f"after ${step.after}" + (f" within {limit} days" if limit is not None else "")
    last = earlier.day + limit if limit is not None else None
    if gap < 0:
        why = (f"{event_item(event).label()} came {-gap} days before step '{step.after}' ({earlier.kind} on {earlier.date} "
               f"[event {earlier.id}])")
    else:
        why = (f"{event_item(event).label()} came {gap} days after step '{step.after}' ({earlier.kind} on {earlier.date} "
               f"[event {earlier.id}]), more than the {limit} days allowed")
    return time_check("date", "within_days", expected, span(earlier.day, last), iso(event.day),
                      in_window(step, event.day, earlier.day), why)


def not_after(alias: str, event: Event, last_day: Day) -> CondCheck:
    """An earlier step happens no later than the step that completes the rule."""
    ok = event.day <= last_day
    return time_check("date", "not_after", f"step '{alias}' no later than the last step", iso(last_day), iso(event.day), ok,
                      f"step '{alias}' ({event.id} on {event.date}) happens after the last step's day {iso(last_day)}")


def live_at(stretch: Stretch, day: Day) -> CondCheck:
    """A world fact holds at the start of ``day``."""
    start = stretch.live_from
    last = stretch.last_day
    ok = stretch.live_on(day)
    label = fact_item(stretch).label()
    life = f"{iso(start) if start is not None else 'from the start'} … {iso(last) if last is not None else 'still live'}"
    return time_check("live", "at_start_of", f"{label} live at the start of {iso(day)}", life, iso(day), ok,
                      f"{label} was live only {life}, not at the start of {iso(day)}")


def judged_by(due: Day, as_of: Day, what: str) -> CondCheck:
    """A finding's day falls on or before the scenario's ``as_of``."""
    return time_check("date", "judged_by", f"{what} on or before as_of", iso(as_of), iso(due), due <= as_of,
                      f"{what} falls on {iso(due)}, after the scenario's as_of {iso(as_of)}")


def no_answer(rule: AbsenceRule, trigger: Event, window: PairWindow, timeline: Sequence[Event]) -> CondCheck:
    """No ``unless`` event came from the trigger's day to its deadline."""
    due = absence_due(trigger.day, rule.days)
    answer = next((e for e in timeline if trigger.day <= e.day < due and answers(rule, e, window)), None)
    expected = f"no {' or '.join(sorted({u.kind for u in rule.unless}))} within {rule.days} days (the trigger's day counts)"
    seen = "none came" if answer is None else f"{answer.kind} {answer.id} on {answer.date}"
    why = "" if answer is None else (f"the trigger {trigger.id} ({trigger.date}) was answered by {event_item(answer).label()}, "
                                     f"within {rule.days} days: an unless event")
    return time_check("unless", "absent", expected, span(trigger.day, absence_deadline(trigger.day, rule.days)), seen,
                      answer is None, why)


def unless_misses(rule: AbsenceRule, trigger: Event, window: PairWindow, timeline: Sequence[Event]) -> tuple[str, ...]:
    """Why each event of an ``unless`` kind did not answer the trigger (too early, too late, or other parties)."""
    due = absence_due(trigger.day, rule.days)
    kinds = {u.kind for u in rule.unless}
    notes: list[str] = []
    for event in timeline:
        if event.kind not in kinds or event is trigger:
            continue
        label = event_item(event).label()
        if event.day >= due:
            notes.append(f"{label} came after the deadline {iso(absence_deadline(trigger.day, rule.days))}")
        elif event.day < trigger.day:
            notes.append(f"{label} came before the trigger ({trigger.date})")
        elif not window.covers(event.day):
            notes.append(f"{label}: {window.bound} was not bound to {window.protected} that day")
        else:
            # Blame the unless pattern the event came closest to, not the first one written.
            fails = min(([c for c in check_all(u.conds, event.fields, {}, window.roles) if not c.holds]
                         for u in rule.unless if u.kind == event.kind), key=len)
            notes.append(failure(fails[0], label) if fails else f"{label} did not answer")
    return tuple(notes)


def lasted(stretch: Stretch, window: PairWindow, limit: int, as_of: Day) -> CondCheck:
    """A world fact is still live more than ``limit`` days after the day its duration counts from, judged by ``as_of``."""
    start = duration_start(stretch.fact.since, window.first)
    assert start is not None  # duration_extras checks that there is a day to count from
    due = duration_due(start, limit)
    ok = due <= as_of and stretch.live_on(due)
    label, counted = fact_item(stretch).label(), _counted_from(stretch, window, start)
    if stretch.last_day is not None and not stretch.live_on(due):
        end = stretch.last_day
        why = (f"{label} ended on {iso(end)}, before its duration counts from {counted}" if end < start else
               f"{label} ended on {iso(end)}: it lasted {end - start} days from {counted}, not more than {limit}")
        seen = f"ended on {iso(end)}"
    else:
        why = (f"by as_of {iso(as_of)} {label} had not begun to count: its duration counts from {counted}"
               if as_of < start else
               f"by as_of {iso(as_of)} {label} had lasted {as_of - start} days from {counted}, not more than {limit} "
               f"(more than {limit} would be reached on {iso(due)})")
        seen = f"live on {iso(due)}" if ok else f"live on {iso(as_of)} (as_of)"
    return time_check("since", "more_than_days", f"more than {limit} days", f"from {iso(start)}, reached on {iso(due)}",
                      seen, ok, why)


def _counted_from(stretch: Stretch, window: PairWindow, start: Day) -> str:
    """The day a duration counts from, saying so when it is the pair's first day rather than the fact's own since."""
    since = stretch.fact.since
    if since is not None and since >= start:
        return iso(start)
    return f"{iso(start)} (when {window.bound} became bound to {window.protected} under {window.treaty})"


def step_extras(rule: EventsRule, i: int, chosen: Sequence[Event], window: PairWindow) -> tuple[CondCheck, ...]:
    """Time conditions of step ``i`` of an events rule, given the events chosen for steps 0 … i."""
    step, event = rule.steps[i], chosen[i]
    out: list[CondCheck] = []
    if step.after is not None:
        earlier = chosen[[s.alias for s in rule.steps].index(step.after)]
        out.append(after_step(step, event, earlier))
    if i == len(rule.steps) - 1:
        out.extend(not_after(s.alias, e, event.day) for s, e in zip(rule.steps[:i], chosen[:i]))
        out.append(pair_bound(window, event.day))
    return tuple(out)


def absence_extras(rule: AbsenceRule, trigger: Event, window: PairWindow, timeline: Sequence[Event],
                   as_of: Day) -> tuple[CondCheck, ...]:
    """Time conditions of an absence rule's trigger: bound then and at the deadline, judged by as_of, unanswered."""
    due = absence_due(trigger.day, rule.days)
    return (pair_bound(window, trigger.day), judged_by(due, as_of, "the day after the deadline"),
            pair_bound(window, due), no_answer(rule, trigger, window, timeline))


def duration_extras(stretch: Stretch, window: PairWindow, limit: int, as_of: Day) -> tuple[CondCheck, ...]:
    """Time conditions of a duration rule's fact: counted from a known day, lasted long enough, pair bound then."""
    start = duration_start(stretch.fact.since, window.first)
    if start is None:
        return (time_check("since", "known", "a day to count from", "", "", False,
                           f"{fact_item(stretch).label()} has no since and the pair's window is open: nothing to count from"),)
    return lasted(stretch, window, limit, as_of), pair_bound(window, duration_due(start, limit))
