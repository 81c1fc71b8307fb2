"""Plain words for codes the records keep (issue 11, "Words"): a page shows the name, never the code, and
a rule's source and caveats in plain English behind "Where this rule comes from" (`rule_source`)."""

from __future__ import annotations

import re

from django import template

from domain.regimes import REQUIREMENTS, regime_by_id

register = template.Library()


@register.filter
def regime_name(regime_id: str) -> str:
    """The statutory regime a record was made under, by its name ("Coronavirus amendments (SI 2020/445)");
    an id no national regime has (an older record) is shown as it was stored."""
    try:
        return regime_by_id(regime_id).name
    except LookupError:
        return regime_id


# Requirements that are not national duties but have codes of their own.
LOCAL_REQUIREMENTS = {"la.contact_standard": "The LA's own contact standard for the rating"}


@register.filter
def requirement_name(code: str) -> str:
    """A requirement's name ("Visits to a child with a child protection plan") for its code ("cp.visit");
    free text a manager typed for a departure is shown as typed."""
    if code in REQUIREMENTS:
        return REQUIREMENTS[code].label
    return LOCAL_REQUIREMENTS.get(code, code)


# Developers' and lawyers' words in the sources the rules carry, and what a practitioner reads instead.
_NOTES = r"(?:see\s+)?DOMAIN\.md\s*(?:section|§)\s*\d+(?:\.\d+)*"
_REFERENCES = (
    re.compile(rf"\s*\(\s*{_NOTES}\s*\)", re.IGNORECASE),  # "(DOMAIN.md section 7)": the whole bracket
    re.compile(rf"\s*[,:;]?\s*{_NOTES}", re.IGNORECASE),  # "exists: DOMAIN.md section 7", "x, DOMAIN.md §4"
)
_PLAIN = (
    (re.compile(r"\bContinuity's (assumption|scoring)\b"), r"this system's \1"),
    (re.compile(r"\bweighting UNCONFIRMED\b|\bUNCONFIRMED weighting\b"), "weighting not yet confirmed"),
    (re.compile(r"\bfigure UNCONFIRMED\b"), "the figure is not yet confirmed"),
    (re.compile(r"\bUNCONFIRMED\b"), "not yet confirmed"),
    (re.compile(r"\bunconfirmed\b"), "not yet confirmed"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(?:\s*\b(?:in|see)\s+)?\bdomain(?:\.\w+)+"), ""),  # a module's dotted path
)
_TIDY = (
    (re.compile(r"\(\s*[:;,]?\s*\)"), ""),  # a bracket left empty
    (re.compile(r"\s+([:;,)]|\.(?!\.))"), r"\1"),  # no space before a stop (an ellipsis keeps it)
    (re.compile(r"([:;,])(?=[:;,.)])"), ""),  # "source:, next" -> "source, next"
    (re.compile(r"\(\s+"), "("),
    (re.compile(r"\s{2,}"), " "),
)


@register.filter
def plain_source(text: str) -> str:
    """A rule's source as a practitioner reads it: no references to the developers' notes, no code
    formatting, and "not yet confirmed" for a figure nobody has checked against the law."""
    if not text:
        return ""
    out = str(text)
    for reference in _REFERENCES:
        out = reference.sub("", out)
    for pattern, replacement in _PLAIN:
        out = pattern.sub(replacement, out)
    for pattern, replacement in _TIDY:
        out = pattern.sub(replacement, out)
    return out.strip(" :;,")


@register.inclusion_tag("core/_rule_source.html")
def rule_source(source: str, confirmed: bool = True, note: str = "") -> dict[str, object]:
    """A GOV.UK details element, "Where this rule comes from", holding a rule's source, its note, and
    (where the figure could not be checked against the law) a plain warning that it is not confirmed."""
    return {"source": plain_source(source), "note": plain_source(note), "confirmed": confirmed}
