"""Statutory timescales: one engine computes every deadline from (rule, event date, regime, holidays).

Public API: `RULES`, `rule_by_id`, `Rule`, `Deadline`, `deadline(rule_id, event_date, ...)`.
"""

from domain.timescales.engine import Deadline, deadline
from domain.timescales.rules import RULES, Rule, rule_by_id

__all__ = ["RULES", "Deadline", "Rule", "deadline", "rule_by_id"]
