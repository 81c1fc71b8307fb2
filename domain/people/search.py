"""Understanding what a user typed into "Find a child".

A query is split into terms; each term is read as a date of birth, a UPN, an LA child ID or part of a
name. The database does the matching; this module only decides what each term means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# A UPN is 13 characters: a check letter, the LA number (3), the establishment number (4), the year
# (2) and a serial number (3), the last of which may be a letter in a temporary UPN (DfE UPN guidance).
UPN_PATTERN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
DATE_PATTERNS = (
    re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"),  # 25/12/2015 (British order)
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),  # 2015-12-25 (ISO)
)
NAME_PATTERN = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")
MAX_TERMS = 6
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchQuery:
    names: tuple[str, ...] = ()
    dates_of_birth: tuple[date, ...] = ()
    upns: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.dates_of_birth or self.upns or self.identifiers)


def parse_date(term: str) -> date | None:
    for index, pattern in enumerate(DATE_PATTERNS):
        match = pattern.match(term)
        if not match:
            continue
        a, b, c = (int(g) for g in match.groups())
        day, month, year = (a, b, c) if index == 0 else (c, b, a)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def normalise_name(text: str) -> str:
    """Lower case, curly apostrophes straightened, runs of spaces folded."""
    return " ".join(text.replace("’", "'").lower().split())


def parse_query(text: str) -> SearchQuery:
    names: list[str] = []
    dobs: list[date] = []
    upns: list[str] = []
    identifiers: list[str] = []
    ignored: list[str] = []
    terms = text[:MAX_QUERY_LENGTH].replace(",", " ").split()
    for raw in terms[:MAX_TERMS]:
        term = raw.strip()
        dob = parse_date(term)
        if dob is not None:
            dobs.append(dob)
        elif UPN_PATTERN.match(term.upper()):
            upns.append(term.upper())
        elif any(ch.isdigit() for ch in term):
            identifiers.append(term)
        elif NAME_PATTERN.match(term):
            names.append(normalise_name(term))
        else:
            ignored.append(term)
    ignored.extend(terms[MAX_TERMS:])
    return SearchQuery(tuple(names), tuple(dobs), tuple(upns), tuple(identifiers), tuple(ignored))
