"""The deadline engine: a rule, the event's date, the regime in force on that date, and bank holidays.

A timescale is judged under the regime in force on the day of the event that starts it, even if the
regime changes before the deadline: a placement made on Monday 20 April 2020 (normal rules) has its
placement plan due on 27 April, although SI 2020/445 came into force on 24 April.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar
from domain.intervals import Interval
from domain.regimes import NATIONAL_REGIMES, Effect, Regime, national_regime_on
from domain.timescales.rules import Rule, rule_by_id


@dataclass(frozen=True)
class Deadline:
    """`due_on` is the last day the requirement can be met in time; None where the regime in force
    replaced the timescale with "as soon as reasonably practicable" (then `normal_due_on` is the date the
    normal timescale would have given, after which the case is tracked as a departure until done)."""

    rule: Rule
    event_on: date
    due_on: date | None
    regime: Regime
    interval: Interval
    as_soon_as_reasonably_practicable: bool
    normal_due_on: date
    relaxation_source: str = ""

    def explain(self) -> str:
        when = (
            f"due by {self.due_on:%A %-d %B %Y}"
            if self.due_on
            else f"as soon as reasonably practicable (normally by {self.normal_due_on:%-d %B %Y})"
        )
        rules = self.regime.name + (f"; {self.relaxation_source}" if self.relaxation_source else "")
        return (
            f"{self.rule.title}: {self.interval.describe()} after {self.event_on:%-d %B %Y}, {when}. "
            f"Rules applied: {rules}."
        )


def deadline(
    rule_id: str,
    event_on: date,
    *,
    calendar: WorkingCalendar,
    regimes: Sequence[Regime] = NATIONAL_REGIMES,
) -> Deadline:
    rule = rule_by_id(rule_id)
    regime = national_regime_on(event_on, regimes)
    normal_due = rule.interval.after(event_on, calendar)
    relaxation = regime.timing_relaxation(rule.requirement) if rule.requirement else None
    if relaxation is not None and relaxation.effect is Effect.AS_SOON_AS_REASONABLY_PRACTICABLE:
        return Deadline(rule, event_on, None, regime, rule.interval, True, normal_due, relaxation.source)
    if relaxation is not None and relaxation.effect is Effect.EXTENDED and relaxation.replacement is not None:
        due = relaxation.replacement.after(event_on, calendar)
        return Deadline(
            rule, event_on, due, regime, relaxation.replacement, False, normal_due, relaxation.source
        )
    return Deadline(rule, event_on, normal_due, regime, rule.interval, False, normal_due)
