"""The statutory due date, like the plan's, moves only with a contact that meets the minimum."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.contact import counts_for_minimum, statutory_due, statutory_minimums
from tests.domain.strategies import ENGLAND, contacts, facts, rules, status_sets


@settings(max_examples=200, deadline=None)
@given(status_sets, facts(), rules(), st.lists(contacts, max_size=5), contacts)
def test_only_a_qualifying_contact_moves_the_statutory_due_date_and_never_earlier(
    statuses, facts_, rules_, history, extra
):
    for minimum in statutory_minimums(statuses, facts=facts_, rules=rules_):
        before = statutory_due(minimum=minimum, contacts=history, rules=rules_, calendar=ENGLAND)
        after = statutory_due(minimum=minimum, contacts=[*history, extra], rules=rules_, calendar=ENGLAND)
        qualifies = (minimum.anchor is None or extra.on >= minimum.anchor) and counts_for_minimum(
            extra, minimum, rules_
        )
        if not qualifies:
            assert after == before
        else:
            assert after.last_qualifying is not None
            assert before.last_qualifying is None or after.last_qualifying >= before.last_qualifying
            if before.due_on is not None and after.due_on is not None:
                assert after.due_on >= before.due_on
            if before.target_on is not None and after.target_on is not None:
                assert after.target_on >= before.target_on
