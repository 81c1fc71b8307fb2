"""Contact plans by risk, the contacts made, and each child's due state (PRODUCT.md M3, M4, M5)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from casework.core.choices import FACE_TO_FACE_MODES, IntervalUnit, Mode, Rating, SignOff
from casework.core.history import tracked
from casework.core.models import TenantModel
from domain.contact import COVID_REASON_LABELS, COVID_REASONS

__all__ = [
    "FACE_TO_FACE_MODES",
    "Contact",
    "ContactPlan",
    "DueState",
    "IntervalUnit",
    "Mode",
    "Rating",
    "SignOff",
]


@tracked()
class ContactPlan(TenantModel):
    """How often, and how, a child is to be seen. Approved with the rating it follows from."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="contact_plans")
    rating = models.ForeignKey("risk.RiskRating", on_delete=models.PROTECT, related_name="plans")
    interval_amount = models.PositiveSmallIntegerField()
    interval_unit = models.CharField(max_length=12, choices=IntervalUnit.choices)
    face_to_face_every = models.PositiveSmallIntegerField(
        help_text="1: every contact face to face; 2: every other; 0: none required"
    )
    modes = ArrayField(models.CharField(max_length=10, choices=Mode.choices))
    statutory_minimum = models.CharField(max_length=300, blank=True)
    below_statutory_minimum = models.BooleanField(default=False)
    starts_on = models.DateField()
    status = models.CharField(max_length=10, choices=SignOff.choices, default=SignOff.AWAITING)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_amount__gt=0), name="plan_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"Every {self.interval_amount} {self.get_interval_unit_display()}"


# SI 2020/909 reg 4, inserting CPPCR 2010 reg 28(1A)(a) and (b): the two lawful reasons for a remote visit.
REMOTE_REASON_CHOICES = [(code, COVID_REASON_LABELS[code]) for code in COVID_REASONS]


@tracked()
class Contact(TenantModel):
    """A contact with the child (or an attempt), as recorded by the practitioner. Never edited away:
    a correction is recorded in the history with its reason."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child_seen = models.BooleanField()
    child_seen_alone = models.BooleanField(null=True, blank=True)
    bedroom_seen = models.BooleanField(null=True, blank=True)
    who_was_seen = models.CharField(max_length=300, blank=True)
    others_present = models.CharField(
        max_length=300, blank=True, help_text="Who else was present or could overhear"
    )
    child_could_speak_privately = models.BooleanField(null=True, blank=True)
    technology = models.CharField(max_length=80, blank=True)
    ppe_used = models.BooleanField(default=False)
    outcome = models.TextField()
    concerns = models.TextField(blank=True)
    remote_reason = models.CharField(max_length=40, choices=REMOTE_REASON_CHOICES, blank=True)
    remote_reason_detail = models.TextField(blank=True)
    nominated_officer_recommendation = models.TextField(blank=True)
    access_refused = models.BooleanField(default=False)
    refusal_reason = models.TextField(blank=True)
    why_access_needed_explained = models.TextField(blank=True)
    other_way_to_see_child = models.TextField(blank=True)
    immediate_protection = models.BooleanField(
        default=False,
        help_text="Risk to life or likelihood of immediate serious harm: immediate protection procedures",
    )
    # A manager's acknowledgement of the immediate-protection flag: until then the child heads the
    # managers' home page.
    protection_acknowledged_at = models.DateTimeField(null=True, blank=True)
    protection_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    regime = models.CharField(max_length=40)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["child", "-occurred_at"], name="contact_child_latest"),
            # The due-state recompute reads the latest contact of each kind of every child of an LA
            # (casework/contacts/due.py LATEST_CONTACTS_SQL): in this order, with the time included,
            # it is an index-only scan with no sort.
            models.Index(
                fields=["la", "child", "mode", "remote_reason", "child_seen", "child_seen_alone"],
                include=["occurred_at"],
                name="contact_latest_of_kind",
            ),
            # The immediate-protection flags no manager has acknowledged yet (the managers' home page).
            models.Index(
                fields=["la", "child"],
                condition=Q(immediate_protection=True, protection_acknowledged_at__isnull=True),
                name="contact_protection_open",
            ),
            # The children seen in a window of days (the DfE fortnightly return's "seen in the last 4
            # weeks", for each fortnight): a range of one LA's contacts in which the child was seen,
            # read from the index alone instead of every contact the LA has ever recorded.
            models.Index(
                fields=["la", "occurred_at"],
                include=["child", "mode"],
                condition=Q(child_seen=True, access_refused=False),
                name="contact_seen_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} on {self.occurred_at:%-d %B %Y}"

    @property
    def face_to_face(self) -> bool:
        return self.mode in FACE_TO_FACE_MODES


class DueState(models.Model):
    """Each child's contact position, kept up to date set-wise so worklists are one indexed query."""

    child = models.OneToOneField(
        "children.Child", on_delete=models.CASCADE, primary_key=True, related_name="due"
    )
    la = models.ForeignKey("core.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    rating_rank = models.PositiveSmallIntegerField(default=9, help_text="0 red, 1 amber, 2 green, 9 unrated")
    plan = models.ForeignKey(ContactPlan, on_delete=models.SET_NULL, null=True, related_name="+")
    next_due = models.DateField(null=True)
    face_to_face_due = models.DateField(null=True)
    statutory_due = models.DateField(null=True)
    last_contact_on = models.DateField(null=True)
    last_seen_on = models.DateField(null=True)
    last_face_to_face_on = models.DateField(null=True)
    last_seen_alone_on = models.DateField(null=True)
    # Copies kept with the due state so that LA-wide figures are one pass over this table (the head of
    # service's cohort page at 100,000 children): the statuses open on the day computed, the child's
    # allocation and restriction (for access), and where the latest rating stands.
    open_statuses = ArrayField(models.CharField(max_length=16), default=list)
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+")
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_restricted = models.BooleanField(default=False)
    rating_status = models.CharField(max_length=10, blank=True)
    rated_on = models.DateField(null=True)
    approved_on = models.DateField(null=True, help_text="Date of the latest signed-off rating")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["la", "rating_rank", "next_due"], name="due_la_rank"),
            models.Index(fields=["la", "team"], name="due_la_team"),
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id}: next due {self.next_due}"
