"""Risk rating: the factor catalogue, suggested ratings, re-rating triggers and review dates.

Public API (import from `domain.risk`): `Factor`, `FACTORS`, `FACTORS_BY_CODE`, `suggest_rating`,
`RatingSuggestion`, `Trigger`, `TRIGGER_LABELS`, `needs_rerating`, `review_date`.
"""

from domain.risk.factors import FACTORS, FACTORS_BY_CODE, Factor
from domain.risk.rerating import TRIGGER_LABELS, Trigger, needs_rerating, review_date
from domain.risk.suggestion import RatingSuggestion, suggest_rating

__all__ = [
    "FACTORS",
    "FACTORS_BY_CODE",
    "TRIGGER_LABELS",
    "Factor",
    "RatingSuggestion",
    "Trigger",
    "needs_rerating",
    "review_date",
    "suggest_rating",
]
