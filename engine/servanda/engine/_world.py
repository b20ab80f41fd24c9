"""The live world of a runtime: the facts true now, indexed so that adding and removing cost a lookup."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ._history import Fact


def _key(relation: str, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """A fact's content (``Fact.content``) from a relation and fields in any order."""
    return (relation, *sorted(values.items()))


class LiveWorld:
    """Live facts by uid (the id the engine knows them by), by exact content and by relation."""

    def __init__(self) -> None:
        self._by_uid: dict[str, Fact] = {}
        self._by_key: dict[tuple[Any, ...], str] = {}
        self._by_relation: dict[str, dict[str, Fact]] = {}

    def __contains__(self, uid: str) -> bool:
        return uid in self._by_uid

    def get(self, uid: str) -> Fact | None:
        """The live fact with this uid, if it is still true."""
        return self._by_uid.get(uid)

    def items(self) -> Iterator[tuple[str, Fact]]:
        """Every live fact with its uid."""
        return iter(list(self._by_uid.items()))

    def holds(self, fact: Fact) -> bool:
        """Whether a fact with this content is already true (the world is a set)."""
        return fact.content in self._by_key

    def add(self, uid: str, fact: Fact) -> None:
        """Record a new fact (the caller has checked it is not already true)."""
        self._by_uid[uid] = fact
        self._by_key[fact.content] = uid
        self._by_relation.setdefault(fact.relation, {})[uid] = fact

    def remove_matching(self, relation: str, values: Mapping[str, Any], full: bool) -> list[tuple[str, Fact]]:
        """Remove the facts of ``relation`` whose fields include ``values``; ``full`` when they name every field."""
        if full:
            uid = self._by_key.get(_key(relation, values))
            found = [(uid, self._by_uid[uid])] if uid is not None else []
        else:
            found = [(uid, f) for uid, f in self._by_relation.get(relation, {}).items()
                     if all(f.fields.get(k) == v for k, v in values.items())]
        for uid, fact in found:
            del self._by_uid[uid]
            del self._by_key[fact.content]
            del self._by_relation[fact.relation][uid]
        return found
