"""Deadlines that still bind: the front door, multi-agency meetings, serious incidents (PRODUCT.md M9, M10).

Every deadline is a row computed by the one engine (domain/timescales) from the event, the rule, the
regime in force on the event's day and the bank holidays; nothing here does date arithmetic itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from casework.core.history import tracked
from casework.core.models import TenantModel

if TYPE_CHECKING:
    from casework.children.models import Child

# CIN census ReferralSource (CIN_schema_2024.xsd).
REFERRAL_SOURCES = [
    ("1A", "Individual: family member, relative or carer"),
    ("1B", "Individual: acquaintance"),
    ("1C", "Individual: self"),
    ("1D", "Individual: other"),
    ("2A", "Schools"),
    ("2B", "Education services"),
    ("3A", "Health: GP"),
    ("3B", "Health: visitor"),
    ("3C", "Health: school nurse"),
    ("3D", "Health: other primary health services"),
    ("3E", "Health: A&E"),
    ("3F", "Health: other"),
    ("4", "Housing"),
    ("5A", "LA services: social care"),
    ("5B", "LA services: other internal"),
    ("5C", "LA services: external"),
    ("5D", "LA services: early help"),
    ("6", "Police"),
    ("7", "Other legal agency"),
    ("8", "Other"),
    ("9", "Anonymous"),
    ("10", "Unknown"),
]
AGENCIES = [
    ("police", "Police"),
    ("health", "Health"),
    ("gp", "GP"),
    ("education", "Education"),
    ("social_care", "Children's social care"),
    ("probation", "Probation"),
    ("housing", "Housing"),
    ("adult_services", "Adult services"),
    ("mental_health", "Mental health services"),
    ("substance_misuse", "Substance misuse services"),
    ("family", "Parents or carers"),
    ("other", "Other"),
]


@tracked()
class Referral(TenantModel):
    class Decision(models.TextChoices):
        NFA = "nfa", "No further action"
        EARLY_HELP = "early_help", "Early help"
        ASSESSMENT = "assessment", "Child and family assessment"
        STRATEGY = "strategy", "Strategy discussion / section 47 enquiry"

    class Consent(models.TextChoices):
        GIVEN = "given", "Family consented"
        REFUSED = "refused", "Family refused consent"
        NOT_SOUGHT = "not_sought", "Not sought: seeking it would put the child at risk"

    children: models.ManyToManyField[Child, ReferralChild] = models.ManyToManyField(
        "children.Child", related_name="referrals", through="ReferralChild"
    )
    received_at = models.DateTimeField()
    source = models.CharField(max_length=2, choices=REFERRAL_SOURCES)
    source_detail = models.CharField(max_length=300, blank=True)
    concerns = models.TextField()
    consent = models.CharField(max_length=12, choices=Consent.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Referral received {self.received_at:%-d %B %Y %H:%M}"


@tracked()
class ReferralChild(models.Model):
    """A child a referral is about. Declared (rather than Django's implicit table, the same one) so that
    adding a child to a referral or taking one off is in the history like any other change."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "safeguarding_referral_children"
        unique_together = [("referral", "child")]

    def __str__(self) -> str:
        return f"Referral {self.referral_id}: child {self.child_id}"


@tracked()
class Meeting(TenantModel):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy discussion"
        ICPC = "icpc", "Initial child protection conference"
        RCPC = "rcpc", "Review child protection conference"
        CORE_GROUP = "core_group", "Core group"
        LAC_REVIEW = "lac_review", "Looked-after child review"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    held_on = models.DateField()
    remote = models.BooleanField(default=False)
    agencies_invited = ArrayField(models.CharField(max_length=20, choices=AGENCIES), default=list, blank=True)
    agencies_present = ArrayField(models.CharField(max_length=20, choices=AGENCIES), default=list, blank=True)
    section47_initiated = models.BooleanField(default=False)
    quorum_concerns = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%-d %B %Y}"


@tracked()
class InformationShare(TenantModel):
    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        PUBLIC_TASK = "public_task", "Public task (statutory duty)"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
        VITAL_INTERESTS = "vital_interests", "Vital interests"
        SAFEGUARDING = "safeguarding", "Safeguarding children without consent (DPA 2018 Sch 8 para 4)"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="information_shares")
    shared_on = models.DateField()
    what = models.TextField()
    with_agency = models.CharField(max_length=20, choices=AGENCIES)
    with_person = models.CharField(max_length=160, blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    without_consent = models.BooleanField(default=False)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-shared_on"]

    def __str__(self) -> str:
        return f"Shared with {self.get_with_agency_display()} on {self.shared_on:%-d %B %Y}"


@tracked()
class SeriousIncident(TenantModel):
    class Pace(models.TextChoices):
        STANDARD = "standard", "Within 15 working days (Working Together)"
        LOCAL = "local", "At a pace the safeguarding partners set (reason recorded)"
        EXPEDITED = (
            "expedited",
            "Expedited: a child died or was seriously injured and COVID-19 is strongly related",
        )

    class ReviewDecision(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        YES = "yes", "Local child safeguarding practice review to be carried out"
        NO = "no", "No local review"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="serious_incidents")
    occurred_on = models.DateField()
    aware_on = models.DateField(help_text="The day the local authority became aware of the incident")
    summary = models.TextField()
    child_died = models.BooleanField(default=False)
    seriously_injured = models.BooleanField(default=False)
    covid_strongly_related = models.BooleanField(default=False)
    notified_on = models.DateField(null=True, blank=True)
    ofsted_notified_on = models.DateField(null=True, blank=True)
    rapid_review_pace = models.CharField(max_length=10, choices=Pace.choices, default=Pace.STANDARD)
    pace_reason = models.TextField(blank=True)
    rapid_review_completed_on = models.DateField(null=True, blank=True)
    review_decision = models.CharField(
        max_length=8, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    review_decided_on = models.DateField(null=True, blank=True)
    dfe_told_on = models.DateField(null=True, blank=True)
    review_published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-aware_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aware_on__gte=F("occurred_on")), name="incident_aware_after_occurred"
            ),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=F("aware_on")),
                name="incident_notified_after_aware",
            ),
        ]

    def __str__(self) -> str:
        return f"Serious incident {self.occurred_on:%-d %B %Y}"


class Deadline(models.Model):
    """A computed statutory deadline. `due_on` null: "as soon as reasonably practicable" under the regime
    of the event's day (tracked as a departure after `normal_due_on` until met)."""

    la = models.ForeignKey("core.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, null=True, related_name="deadlines")
    rule_id = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    event_on = models.DateField()
    due_on = models.DateField(null=True)
    normal_due_on = models.DateField()
    as_soon_as_reasonably_practicable = models.BooleanField(default=False)
    regime = models.CharField(max_length=40)
    met_on = models.DateField(null=True)
    alerted_due_soon_at = models.DateTimeField(null=True)
    alerted_missed_at = models.DateTimeField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            # One deadline per rule for each subject and child (a referral about siblings gives each child
            # their own assessment deadline).
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "rule_id", "child"],
                name="one_deadline_per_rule_and_child",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["la", "met_on", "due_on"], name="deadline_open"),
            models.Index(fields=["child", "due_on"], name="deadline_child"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} due {self.due_on or 'as soon as reasonably practicable'}"
