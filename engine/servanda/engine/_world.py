"""The live world: a set of relation facts, indexed so adding and removing cost a lookup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator


@dataclass
class LiveFact:
    """A world fact currently true."""

    uid: str
    relation: str
    fields: dict[str, Any]
    since: int | None
    origin: str
    message: dict[str, Any]


def _key(relation: str, values: dict[str, Any]) -> tuple[Any, ...]:
    return (relation, *sorted(values.items()))


class World:
    """Live facts by uid, by exact content and by relation."""

    def __init__(self) -> None:
        self._by_uid: dict[str, LiveFact] = {}
        self._by_key: dict[tuple[Any, ...], str] = {}
        self._by_relation: dict[str, dict[str, LiveFact]] = {}

    def __contains__(self, uid: str) -> bool:
        return uid in self._by_uid

    def get(self, uid: str) -> LiveFact | None:
        """The live fact with this uid, if it is still true."""
        return self._by_uid.get(uid)

    def facts(self) -> Iterator[LiveFact]:
        """Every live fact."""
        return iter(list(self._by_uid.values()))

    def holds(self, relation: str, values: dict[str, Any]) -> bool:
        """Whether exactly this fact is already true (the world is a set)."""
        return _key(relation, values) in self._by_key

    def add(self, fact: LiveFact) -> None:
        """Record a new fact (the caller has checked it is not already true)."""
        self._by_uid[fact.uid] = fact
        self._by_key[_key(fact.relation, fact.fields)] = fact.uid
        self._by_relation.setdefault(fact.relation, {})[fact.uid] = fact

    def remove_matching(self, relation: str, values: dict[str, Any], full: bool) -> list[LiveFact]:
        """Remove the facts of ``relation`` whose fields include ``values``; ``full`` when they name every field."""
        if full:
            uid = self._by_key.get(_key(relation, values))
            found = [self._by_uid[uid]] if uid is not None else []
        else:
            found = [f for f in self._by_relation.get(relation, {}).values()
                     if all(f.fields.get(k) == v for k, v in values.items())]
        for fact in found:
            del self._by_uid[fact.uid]
            del self._by_key[_key(fact.relation, fact.fields)]
            del self._by_relation[fact.relation][fact.uid]
        return found
