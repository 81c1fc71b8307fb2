"""Suggest a rating from the recorded factors. The system suggests; professionals decide.

The practitioner rates the case with a written rationale and a manager signs it off or returns it
(PRODUCT.md M2, "Principles": "the system suggests, professionals decide"). The suggestion is a score:
each factor adds its weight; a red flag alone suggests red; otherwise 6 or more suggests red, 3 or more
amber, else green. Thresholds and weights are Continuity's assumption (no national scheme exists).
Adding a factor never lowers the suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.contact.enums import CP, Rating
from domain.risk.factors import FACTORS_BY_CODE, Factor

# Shown to practitioners behind "Where this rule comes from" (no national scheme: DOMAIN.md section 7;
# each factor's own source is in domain.risk.factors).
SOURCE = (
    "A scoring this system assumes, for the LA to review: there is no national scheme for rating risk. "
    "Each factor names its own source."
)
RED_SCORE = 6
AMBER_SCORE = 3
# Factors implied by an open status or the child's age, so the practitioner need not tick them twice.
STATUS_FACTORS = {CP: "cp_plan"}
UNDER_1 = "under_1"


@dataclass(frozen=True)
class RatingSuggestion:
    rating: Rating
    score: int
    reasons: tuple[str, ...]
    factors: frozenset[str]
    source: str = SOURCE
    confirmed: bool = False


def suggest_rating(
    *,
    factors: Iterable[str],
    statuses: Iterable[str],
    age_years: int | None,
    catalogue: Mapping[str, Factor] = FACTORS_BY_CODE,
) -> RatingSuggestion:
    """A suggested rating with its reasons. Unknown factor codes are named in the reasons and ignored."""
    codes = set(factors)
    codes.update(STATUS_FACTORS[s] for s in set(statuses) if s in STATUS_FACTORS)
    if age_years is not None and age_years < 1:
        codes.add(UNDER_1)
    known = sorted((catalogue[c] for c in codes if c in catalogue), key=lambda f: (-f.weight, f.code))
    reasons = [f"{f.label} (+{f.weight}{', red flag' if f.red_flag else ''})" for f in known]
    reasons.extend(f"Unknown factor {code!r} ignored" for code in sorted(codes - set(catalogue)))
    score = sum(f.weight for f in known)
    flags = [f for f in known if f.red_flag]
    if flags:
        rating = Rating.RED
        reasons.append(f"Suggested red: red flag ({', '.join(f.label.lower() for f in flags)}).")
    elif score >= RED_SCORE:
        rating = Rating.RED
        reasons.append(f"Suggested red: score {score} ({RED_SCORE} or more).")
    elif score >= AMBER_SCORE:
        rating = Rating.AMBER
        reasons.append(f"Suggested amber: score {score} ({AMBER_SCORE} to {RED_SCORE - 1}).")
    else:
        rating = Rating.GREEN
        reasons.append(f"Suggested green: score {score} (under {AMBER_SCORE}).")
    reasons.append("A suggestion only: the social worker rates the case and a manager signs it off.")
    return RatingSuggestion(rating, score, tuple(reasons), frozenset(codes))
