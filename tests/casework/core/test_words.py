"""Plain words for stored codes (issue 11, "Words")."""

from __future__ import annotations

from django.template import Context, Template

from casework.core.templatetags.words import regime_name
from domain.regimes import NATIONAL_REGIMES


def test_every_national_regime_is_shown_by_its_name_never_its_code():
    for regime in NATIONAL_REGIMES:
        assert regime_name(regime.id) == regime.name
        assert regime.id not in regime_name(regime.id) or regime.id == regime.name
    assert regime_name("si-2020-445") == "Coronavirus amendments (SI 2020/445)"


def test_an_unknown_code_is_shown_as_stored_rather_than_failing_the_page():
    assert regime_name("local-2019") == "local-2019"
    rendered = Template("{% load words %}{{ code|regime_name }}").render(Context({"code": "normal-2021"}))
    assert rendered == "Normal statutory rules"
