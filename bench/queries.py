"""The search queries of the child_search benchmark: what people type into "Find a child".

Built from children actually on the register, so most queries should find someone: full names,
surnames, misspellings, partial names, dates of birth (British order), LA child IDs and UPNs, and
mixtures of a name and a date of birth.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    date_of_birth: date | None
    la_child_id: str
    upn: str


def misspell(word: str, rng: random.Random) -> str:
    """One typing slip: a letter dropped, two swapped, one doubled or a vowel changed."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:i] + word[i + 1 :]
    if slip == 1:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if slip == 2:
        return word[:i] + word[i] + word[i:]
    vowels = [j for j, ch in enumerate(word) if ch.lower() in "aeiou" and j > 0]
    j = rng.choice(vowels) if vowels else i
    replacement = rng.choice([v for v in "aeiou" if v != word[j].lower()])
    return word[:j] + replacement + word[j + 1 :]


def _dob(person: Person) -> str:
    born = person.date_of_birth or date(2015, 1, 1)
    return born.strftime("%d/%m/%Y")


KINDS: dict[str, Callable[[Person, random.Random], str]] = {
    "full name": lambda p, _: f"{p.first_name} {p.last_name}",
    "surname": lambda p, _: p.last_name,
    "misspelt surname": lambda p, rng: f"{p.first_name} {misspell(p.last_name, rng)}",
    "misspelt first name": lambda p, rng: f"{misspell(p.first_name, rng)} {p.last_name}",
    "partial surname": lambda p, rng: p.last_name[: rng.randint(3, 4)],
    "partial names": lambda p, rng: f"{p.first_name[:2]} {p.last_name[: rng.randint(3, 5)]}",
    "date of birth": lambda p, _: _dob(p),
    "surname and date of birth": lambda p, _: f"{p.last_name.lower()} {_dob(p)}",
    "LA child ID": lambda p, _: p.la_child_id,
    "UPN": lambda p, _: p.upn,
}


def build_queries(people: Sequence[Person], count: int, seed: int = 2020) -> list[tuple[str, str]]:
    """`count` (kind, query) pairs, the kinds in turn, each from a child chosen at random."""
    rng = random.Random(seed)
    with_upn = [p for p in people if p.upn]
    born = [p for p in people if p.date_of_birth]
    kinds = list(KINDS.items())
    queries = []
    for index in range(count):
        kind, make = kinds[index % len(kinds)]
        pool = with_upn if kind == "UPN" else (born if "date" in kind else people)
        queries.append((kind, make(rng.choice(pool), rng)))
    return queries
