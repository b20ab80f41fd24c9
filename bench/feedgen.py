"""Generate a deterministic synthetic JSON Lines feed of events for the throughput benchmark.

About 95 % of the events cannot matter to the treaties (statements, or events among states that
are party to none of them); about 5 % are episodes among the parties: joins of blocs directed
against a party, basing grants followed by attacks from the host's territory, threats with or
without consultations, border closures and reopenings, import bans with their grounds. Dates never
decrease and span four years in which the treaties are in force. The same seed gives the same bytes.

    python bench/feedgen.py --events 200000 --seed 7 --out bench/out/feed.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import random
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson

FIRST_DAY = dt.date(2026, 1, 1)
DAYS = 4 * 365 + 1
LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)  # 2029-12-31: every event falls in 2026..2029
EAEU = ("ARM", "BLR", "KAZ", "KGZ", "RUS")
CSTO = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")
ALLIES = ("KAZ", "KGZ")
OTHERS = ("AFG", "AZE", "BRA", "CAN", "CHN", "DEU", "EGY", "ESP", "FRA", "GBR", "GEO", "IND",
          "IRN", "ITA", "JPN", "KOR", "MNG", "PAK", "POL", "TKM", "TUR", "UKR", "USA", "UZB")
STATES = CSTO + OTHERS
HOSTILE_BLOCS = {"eastern-pact": "KAZ", "steppe-accord": "KGZ", "caspian-league": "RUS", "pamir-union": "TJK"}
NEUTRAL_BLOCS = ("silk-forum", "northern-council", "ocean-alliance", "desert-compact")
GOODS = ("potatoes", "apples", "dairy", "meat", "fuel", "grain", "licensed products")
GROUNDS = ("none_declared", "health", "phytosanitary", "veterinary", "security", "public_order", "other")
INFRASTRUCTURE = ("communications", "airspace", "railways", "roads", "airfields", "ports", "pipelines", "power")
TOPICS = ("security", "trade", "water", "transit", "migration")
RELEVANT_SHARE = 0.030  # chance that a new slot starts an episode among parties: ~5 % of events

Event = dict[str, Any]
Plan = list[tuple[int, Event]]  # (days after the first event, event without id/date)


def _pair(rng: random.Random, pool: tuple[str, ...]) -> tuple[str, str]:
    """Two different states of ``pool``."""
    a, b = rng.sample(pool, 2)
    return a, b


# --- episodes that can matter to the treaties ---------------------------------

def _hostile_join(rng: random.Random) -> Plan:
    actor = rng.choice(CSTO)
    bloc = rng.choice(list(HOSTILE_BLOCS) + list(NEUTRAL_BLOCS))
    return [(0, {"kind": "join_bloc", "actor": actor, "bloc": bloc}),
            (rng.randint(20, 200), {"kind": "leave_bloc", "actor": actor, "bloc": bloc})]


def _basing_then_attack(rng: random.Random) -> Plan:
    host, other = _pair(rng, CSTO)
    guest = rng.choice(OTHERS)
    target = other if rng.random() < 0.8 else rng.choice(OTHERS)
    attack = {"kind": "armed_attack", "actor": guest, "target": target, "launched_from": host}
    if rng.random() < 0.3:
        attack["infrastructure"] = rng.choice(INFRASTRUCTURE)
    gap = rng.randint(1, 450)
    return [(0, {"kind": "grant_basing", "actor": host, "guest": guest, "facility": f"base {rng.randint(1, 9)}"}),
            (gap, attack),
            (gap + rng.randint(1, 60), {"kind": "revoke_basing", "actor": host, "guest": guest})]


def _threat(rng: random.Random) -> Plan:
    target = rng.choice(CSTO)
    plan: Plan = [(0, {"kind": "threat_of_armed_attack", "actor": rng.choice(OTHERS), "target": target})]
    if rng.random() < 0.6:
        partner = rng.choice([s for s in CSTO if s != target])
        actor, partner = (target, partner) if rng.random() < 0.5 else (partner, target)
        plan.append((rng.randint(0, 10), {"kind": "consultations", "actor": actor, "partner": partner,
                                          "topic": "security"}))
    return plan


def _border(rng: random.Random) -> Plan:
    actor, against = _pair(rng, EAEU)
    severity = "closure" if rng.random() < 0.6 else "slowdown"
    close: Event = {"kind": "restrict_border", "actor": actor, "against": against, "severity": severity}
    if rng.random() < 0.5:
        close["declared_ground"] = rng.choice(("anti-smuggling operation", "sanitary control", "security"))
    return [(0, close),
            (rng.randint(1, 10), {"kind": "lift_border_restriction", "actor": actor, "against": against,
                                  "severity": severity})]


def _import_ban(rng: random.Random) -> Plan:
    actor, against = _pair(rng, EAEU)
    goods = rng.choice(GOODS)
    return [(0, {"kind": "import_ban", "actor": actor, "against": against, "goods": goods,
                 "ground": rng.choice(GROUNDS), "notified": rng.random() < 0.5}),
            (rng.randint(20, 120), {"kind": "lift_import_ban", "actor": actor, "against": against, "goods": goods})]


RELEVANT: tuple[Callable[[random.Random], Plan], ...] = (_hostile_join, _basing_then_attack, _threat, _border, _import_ban)


# --- events that cannot matter --------------------------------------------------

def _statement(rng: random.Random) -> Plan:
    event: Event = {"kind": "statement", "actor": rng.choice(STATES), "text": rng.choice(
        ("calls for dialogue", "condemns the incident", "welcomes the agreement", "denies the reports"))}
    if rng.random() < 0.4:
        event["about"] = rng.choice(STATES)
    return [(0, event)]


def _among_others(rng: random.Random) -> Plan:
    a, b = _pair(rng, OTHERS)
    third = rng.choice(STATES)  # a party may appear, but never on both sides of a role pair
    choice = rng.randrange(9)
    if choice == 0:
        return [(0, {"kind": "armed_attack", "actor": a, "target": b, "launched_from": a})]
    if choice == 1:
        return [(0, {"kind": "hostile_act", "actor": a, "target": b, "nature": "cyber attack"})]
    if choice == 2:
        return [(0, {"kind": "consultations", "actor": third, "partner": b, "topic": rng.choice(TOPICS)})]
    if choice == 3:
        return [(0, {"kind": "military_cooperation", "actor": third, "partner": b, "nature": "joint exercise"})]
    if choice == 4:
        return [(0, {"kind": "threat_of_armed_attack", "actor": third, "target": b})]
    if choice == 5:
        return [(0, {"kind": "negotiate_basing", "actor": a, "guest": b})]
    if choice == 6:
        goods = rng.choice(GOODS)
        return [(0, {"kind": "import_ban", "actor": third, "against": b, "goods": goods,
                     "ground": rng.choice(GROUNDS), "notified": False}),
                (rng.randint(5, 60), {"kind": "lift_import_ban", "actor": third, "against": b, "goods": goods})]
    if choice == 7:
        return [(0, {"kind": "restrict_border", "actor": a, "against": b, "severity": "slowdown"}),
                (rng.randint(1, 20), {"kind": "lift_border_restriction", "actor": a, "against": b,
                                      "severity": "slowdown"})]
    bloc = rng.choice(NEUTRAL_BLOCS)
    return [(0, {"kind": "join_bloc", "actor": a, "bloc": bloc}),
            (rng.randint(30, 300), {"kind": "leave_bloc", "actor": a, "bloc": bloc})]


def _irrelevant(rng: random.Random) -> Plan:
    return _statement(rng) if rng.random() < 0.55 else _among_others(rng)


def among_parties(event: Event) -> bool:
    """Whether an event belongs to an episode among parties (the noise never puts a party in these places)."""
    if any(event.get(name) in CSTO for name in ("target", "partner", "against")):
        return True
    return event["kind"] in ("join_bloc", "leave_bloc", "grant_basing", "revoke_basing") and event["actor"] in CSTO


# --- the feed ------------------------------------------------------------------

def _opening() -> list[Event]:
    """The world the episodes need: each hostile bloc's declared orientation."""
    return [{"kind": "declare_bloc_orientation", "bloc": bloc, "against": against}
            for bloc, against in sorted(HOSTILE_BLOCS.items())]


def events(count: int, seed: int = 7) -> Iterator[Event]:
    """Yield ``count`` event objects in non-decreasing date order (same seed, same events)."""
    rng = random.Random(seed)
    later: list[tuple[int, int, Event]] = []  # (day index, sequence, event) of scheduled follow-ups
    seq = 0
    made = 0
    for day in range(DAYS):
        quota = (day + 1) * count // DAYS - made
        todo = _opening() if day == 0 else []
        while later and later[0][0] == day:
            todo.append(heapq.heappop(later)[2])
        while len(todo) < quota:
            plan = (rng.choice(RELEVANT) if rng.random() < RELEVANT_SHARE else _irrelevant)(rng)
            todo.append(plan[0][1])
            for offset, event in plan[1:]:
                if offset == 0:
                    todo.append(event)
                elif day + offset < DAYS:
                    seq += 1
                    heapq.heappush(later, (day + offset, seq, event))
        date = (FIRST_DAY + dt.timedelta(days=day)).isoformat()
        for event in todo[: count - made]:
            made += 1
            yield {"id": f"ev{made:07d}", "date": date, **event}
        if made >= count:
            return


def lines(count: int, seed: int = 7) -> Iterator[bytes]:
    """The feed as JSON Lines, one ``bytes`` line (with its newline) per event."""
    for event in events(count, seed):
        yield orjson.dumps(event, option=orjson.OPT_APPEND_NEWLINE)


def write(path: Path, count: int, seed: int = 7) -> Path:
    """Write the feed to ``path`` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.writelines(lines(count, seed))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/feed.jsonl"))
    args = parser.parse_args()
    print(write(args.out, args.events, args.seed))


if __name__ == "__main__":
    main()
