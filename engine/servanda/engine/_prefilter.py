"""Decide cheaply which events can matter to the compiled rules, before the backend sees them.

An event reaches the backend only if some rule pattern uses its kind and every
field that pattern ties to a role holds a state that is party to some treaty.
World effects are applied to every event regardless (they are plain dict work).
"""

from __future__ import annotations

from ..language import CompiledRules, Event, Ref


class Prefilter:
    """Per-kind role fields and retention windows, computed once per rule set."""

    def __init__(self, rules: CompiledRules) -> None:
        self.parties = rules.parties
        # kind -> list of field tuples; an event passes if, for one tuple, every field holds a party.
        self.role_fields: dict[str, list[tuple[str, ...]]] = {}
        # kind -> days an event of that kind must stay available to later steps.
        self.retention: dict[str, int] = {}
        for rule in rules.rules:
            for pattern in rule.events_read:
                fields = tuple(sorted(c.field for c in pattern.conds
                                      if c.op == "eq" and isinstance(c.value, Ref) and c.value.is_role))
                self.role_fields.setdefault(pattern.kind, []).append(fields)
            # Every step but the last waits for the last one, which comes at most the sum of
            # all windows after the first step (a bound that holds however ``after`` branches).
            steps = rule.event_patterns
            span = sum(step.within_days or 0 for step in steps)
            for step in steps[:-1]:
                if span:
                    self.retention[step.kind] = max(self.retention.get(step.kind, 0), span)

    def relevant(self, event: Event) -> bool:
        """Whether any rule could use this event."""
        options = self.role_fields.get(event.kind)
        if options is None:
            return False
        parties, fields = self.parties, event.fields
        return any(all(fields.get(f) in parties for f in option) for option in options)

