"""Plain words for codes the records keep (issue 11, "Words"): a page shows the name, never the code."""

from __future__ import annotations

from django import template

from domain.regimes import regime_by_id

register = template.Library()


@register.filter
def regime_name(regime_id: str) -> str:
    """The statutory regime a record was made under, by its name ("Coronavirus amendments (SI 2020/445)");
    an id no national regime has (an older record) is shown as it was stored."""
    try:
        return regime_by_id(regime_id).name
    except LookupError:
        return regime_id
