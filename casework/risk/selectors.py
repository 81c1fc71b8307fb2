"""Reads for rating a case: what the rating page shows beside the practitioner's choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework.children.models import Child
from casework.policy import context
from domain.contact import ContactPlan as PlanRule
from domain.contact import PlanAssessment, PlanProposal, Rating, assess_plan, propose_plan
from domain.contact.planning import a_rating
from domain.people.rules import age_on
from domain.risk import RatingSuggestion, suggest_rating


@dataclass(frozen=True)
class RatingAdvice:
    """What the rating page shows beside the practitioner's choices: the system suggests, they decide."""

    suggestion: RatingSuggestion
    proposal: PlanProposal
    rules_description: str
    rating_chosen: bool = False
    settings_source: str = ""

    @property
    def why_proposed(self) -> tuple[str, ...]:
        """In plain words: which rating the proposal is for, and how the plan follows from it."""
        rating = self.proposal.rating.value
        if self.rating_chosen:
            first = f"You chose {a_rating(self.proposal.rating)}, so the plan proposed is the contact for it."
        else:
            first = (
                "You have not chosen a rating yet, so the plan proposed is for the suggested rating, "
                f"{rating}. It changes when you choose a rating or select risk factors."
            )
        return (first, *self.proposal.reasons)


def rating_advice(*, child: Child, rating: str, factors: list[str], today: date) -> RatingAdvice:
    situation = context.situation_for(child, today)
    rules = context.rules_for(child.la_id, today)
    settings = context.rag_settings_for(child.la_id, today)
    suggestion = suggest_rating(
        factors=factors,
        statuses=situation.statuses,
        age_years=age_on(child.date_of_birth, today) if child.date_of_birth else 0,
    )
    proposal = propose_plan(
        rating=Rating(rating or suggestion.rating),
        statuses=situation.statuses,
        facts=situation.facts,
        rules=rules,
        settings=settings,
    )
    return RatingAdvice(
        suggestion,
        proposal,
        rules.describe(),
        rating_chosen=bool(rating),
        settings_source=f"{settings.label}. {settings.source_note}",
    )


def assess(*, child: Child, rating: str, plan: PlanRule, today: date) -> PlanAssessment:
    situation = context.situation_for(child, today)
    return assess_plan(
        plan,
        rating=Rating(rating),
        statuses=situation.statuses,
        facts=situation.facts,
        rules=context.rules_for(child.la_id, today),
        settings=context.rag_settings_for(child.la_id, today),
    )
