"""Plain words for stored codes, and rules' sources in plain English (issue 11, "Words")."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template

from casework.core.templatetags.words import plain_source, regime_name, requirement_name
from domain.contact.minimums import DEFAULT_PRACTICE_STANDARDS
from domain.regimes import NATIONAL_REGIMES, REQUIREMENTS
from domain.risk.factors import FACTORS
from domain.risk.suggestion import SOURCE
from domain.timescales.rules import RULES

# What review found on the pages (issue 11): none may reach a practitioner.
DEVELOPERS_WORDS = re.compile(r"DOMAIN\.md|UNCONFIRMED|unconfirmed|Continuity's|`|\bdomain\.\w")


def test_every_national_regime_is_shown_by_its_name_never_its_code():
    for regime in NATIONAL_REGIMES:
        assert regime_name(regime.id) == regime.name
        assert regime.id not in regime_name(regime.id) or regime.id == regime.name
    assert regime_name("si-2020-445") == "Coronavirus amendments (SI 2020/445)"


def test_an_unknown_code_is_shown_as_stored_rather_than_failing_the_page():
    assert regime_name("local-2019") == "local-2019"
    rendered = Template("{% load words %}{{ code|regime_name }}").render(Context({"code": "normal-2021"}))
    assert rendered == "Normal statutory rules"


def test_a_requirement_is_named_in_words_and_free_text_is_kept_as_typed():
    assert requirement_name("cp.visit") == "Visits to a child with a child protection plan"
    assert requirement_name("la.contact_standard") == "The LA's own contact standard for the rating"
    for code, requirement in REQUIREMENTS.items():
        assert requirement_name(code) == requirement.label
    assert (
        requirement_name("Weekly visit agreed at the core group") == "Weekly visit agreed at the core group"
    )


def _every_source() -> list[str]:
    texts = [SOURCE]
    texts += [t for r in REQUIREMENTS.values() for t in (r.source, r.note)]
    texts += [t for r in RULES for t in (r.source, r.note)]
    texts += [t for regime in NATIONAL_REGIMES for t in (regime.source, regime.note)]
    texts += [getattr(f, "source", "") for f in FACTORS]
    texts += [t for s in DEFAULT_PRACTICE_STANDARDS.values() for t in (s.source, s.note)]
    texts += [t for regime in NATIONAL_REGIMES for r in regime.relaxations for t in (r.detail, r.source)]
    return [t for t in texts if t]


@pytest.mark.parametrize("text", _every_source())
def test_no_source_or_caveat_reads_in_developers_words(text):
    plain = plain_source(text)
    assert not DEVELOPERS_WORDS.search(plain), plain
    assert plain
    assert plain[0] not in ":;,"
    assert "()" not in plain
    assert "  " not in plain


def test_plain_source_keeps_the_law_and_says_what_is_not_confirmed():
    assert plain_source("LA risk-rating practice 2020 (DOMAIN.md section 7): UNCONFIRMED weighting") == (
        "LA risk-rating practice 2020: weighting not yet confirmed"
    )
    assert plain_source("SI number UNCONFIRMED; start taken as 1 April 2021.") == (
        "SI number not yet confirmed; start taken as 1 April 2021."
    )
    assert plain_source("Fictional demo data created by `continuity demo`") == (
        "Fictional demo data created by continuity demo"
    )
    law = "Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959) reg 28"
    assert plain_source(law) == law


def test_where_this_rule_comes_from_holds_the_source_and_says_when_a_figure_is_not_confirmed():
    template = Template("{% load words %}{% rule_source source confirmed note %}")
    source = "Regs 2010 reg 28 (DOMAIN.md section 3)"
    shown = template.render(Context({"source": source, "confirmed": False, "note": ""}))
    assert "Where this rule comes from" in shown
    assert "Regs 2010 reg 28" in shown
    assert "DOMAIN.md" not in shown
    assert "not yet been checked against the text of the law" in shown
    confirmed = template.render(Context({"source": "Regs 2010 reg 28", "confirmed": True, "note": ""}))
    assert "not yet been checked" not in confirmed
    assert template.render(Context({"source": "", "confirmed": True, "note": ""})).strip() == ""
