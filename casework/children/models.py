"""The cohort register: every child the LA has a duty to, with household, legal status and setting."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower, Upper

from casework.accounts.models import DateRange, Team
from casework.core.history import tracked
from casework.core.models import TenantModel
from domain import codes

INCLUSIVE = RangeBoundary(inclusive_upper=True)


def _period_constraints(prefix: str, *same: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            name=f"{prefix}_ends_after_start",
        ),
        ExclusionConstraint(
            name=f"{prefix}_no_overlap",
            expressions=[
                *[(field, RangeOperators.EQUAL) for field in same],
                (DateRange("starts_on", "ends_on", INCLUSIVE), RangeOperators.OVERLAPS),
            ],
        ),
    ]


class VideoCalls(models.TextChoices):
    YES = "yes", "Yes, the family can take video calls"
    PHONE_ONLY = "phone_only", "Phone calls only"
    NO = "no", "No phone or video access"
    UNKNOWN = "unknown", "Not known"


@tracked()
class Household(TenantModel):
    address_line_1 = models.CharField(max_length=120)
    address_line_2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80)
    postcode = models.CharField(max_length=10)
    phone = models.CharField(max_length=40, blank=True)
    video_calls = models.CharField(max_length=16, choices=VideoCalls.choices, default=VideoCalls.UNKNOWN)
    digital_access_notes = models.CharField(
        max_length=500, blank=True, help_text="Devices, data, who can help the family connect."
    )
    members_note = models.TextField(blank=True, help_text="Who lives here besides the children recorded.")

    class Meta:
        ordering = ["postcode", "address_line_1"]

    def __str__(self) -> str:
        return f"{self.address_line_1}, {self.postcode}"


class CovidStatus(models.TextChoices):
    SYMPTOMATIC = "symptomatic", "Symptomatic"
    CONFIRMED = "confirmed", "Confirmed case"
    ISOLATING = "isolating", "Self-isolating"
    SHIELDING = "shielding", "Shielding (clinically extremely vulnerable)"


@tracked()
class HouseholdCovidStatus(TenantModel):
    """A dated COVID-19 status of a household: decides PPE and whether a visit is replanned."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="covid_statuses")
    status = models.CharField(max_length=16, choices=CovidStatus.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = _period_constraints("covid_status", "household", "status")


class EducationSetting(TenantModel):
    class Kind(models.TextChoices):
        EARLY_YEARS = "early_years", "Early years"
        PRIMARY = "primary", "Primary school"
        SECONDARY = "secondary", "Secondary school"
        SPECIAL = "special", "Special school"
        ALTERNATIVE = "alternative", "Alternative provision"
        COLLEGE = "college", "Further education college"

    name = models.CharField(max_length=160)
    urn = models.CharField("URN", max_length=8, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DMetaphone(Func):
    function = "dmetaphone"
    output_field = models.CharField()


@tracked(exclude=["search_first", "search_last", "first_sound", "last_sound"])
class Child(TenantModel):
    la_child_id = models.CharField("LA child ID", max_length=36)
    upn = models.CharField("UPN", max_length=13, blank=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    # Blank only for children imported from a DfE return, which carries no names.
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    known_as = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, choices=codes.GENDER)
    ethnicity = models.CharField(max_length=4, choices=codes.ETHNICITY, default="NOBT")
    disabilities = ArrayField(
        models.CharField(max_length=4, choices=codes.DISABILITY), default=list, blank=True
    )
    date_of_death = models.DateField(null=True, blank=True)
    first_language = models.CharField(max_length=60, blank=True)

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated"
    )
    education_setting = models.ForeignKey(
        EducationSetting, on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    health_vulnerabilities = models.TextField(blank=True)
    clinically_extremely_vulnerable = models.BooleanField(default=False)
    is_restricted = models.BooleanField(
        default=False, help_text="Only the people named on the record (and the allocated worker) can see it."
    )
    restriction_reason = models.CharField(max_length=500, blank=True)

    # Search keys, kept by PostgreSQL itself so that bulk loads stay searchable.
    search_first = models.GeneratedField(
        expression=Lower("first_name"), output_field=models.CharField(max_length=80), db_persist=True
    )
    search_last = models.GeneratedField(
        expression=Lower("last_name"), output_field=models.CharField(max_length=80), db_persist=True
    )
    first_sound = models.GeneratedField(
        expression=DMetaphone("first_name"), output_field=models.CharField(max_length=8), db_persist=True
    )
    last_sound = models.GeneratedField(
        expression=DMetaphone("last_name"), output_field=models.CharField(max_length=8), db_persist=True
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["la", "la_child_id"], name="child_id_unique_in_la"),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_date",
            ),
        ]
        indexes = [
            GinIndex(OpClass("search_first", name="gin_trgm_ops"), name="child_first_trgm"),
            GinIndex(OpClass("search_last", name="gin_trgm_ops"), name="child_last_trgm"),
            models.Index(fields=["la", "first_sound"], name="child_first_sound"),
            models.Index(fields=["la", "last_sound"], name="child_last_sound"),
            models.Index(fields=["la", "date_of_birth"], name="child_dob"),
            models.Index(fields=["la", "upn"], name="child_upn"),
            models.Index(fields=["la", "team"], name="child_team"),
            models.Index(
                fields=["la", "expected_date_of_birth"],
                condition=Q(expected_date_of_birth__isnull=False),
                name="child_expected_dob",
            ),
            models.Index(fields=["la", "former_upn"], condition=~Q(former_upn=""), name="child_former_upn"),
            # The few restricted records: every LA-wide list excludes those hidden from its reader.
            models.Index(
                fields=["la", "allocated_worker"], condition=Q(is_restricted=True), name="child_restricted"
            ),
            models.Index(
                F("la"), OpClass(Upper("la_child_id"), name="text_pattern_ops"), name="child_id_prefix"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"Child {self.la_child_id} (name not recorded)"


@tracked()
class ChildAccessGrant(TenantModel):
    """A named person allowed to see a restricted record."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "user"], name="grant_once")]


class LegalStatusKind(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CIN = "cin", "Child in need"
    CP = "cp", "Child protection plan"
    LAC = "lac", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    UASC = "uasc", "Unaccompanied asylum-seeking child"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    AP = "ap", "In alternative provision"
    ADOPTED = "adopted", "Adopted (edge of care)"
    SGO = "sgo", "Special guardianship order (edge of care)"


@tracked()
class LegalStatus(TenantModel):
    """One period of one status. Periods of the same kind never overlap for a child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_statuses")
    kind = models.CharField(max_length=16, choices=LegalStatusKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    cp_category = models.CharField("category of abuse", max_length=3, choices=codes.CP_CATEGORY, blank=True)
    lac_legal_status = models.CharField(
        "legal status", max_length=2, choices=codes.LAC_LEGAL_STATUS, blank=True
    )
    end_reason = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "legal statuses"
        constraints = [
            *_period_constraints("legal_status", "child", "kind"),
            models.CheckConstraint(condition=~Q(kind="cp") | ~Q(cp_category=""), name="cp_plan_has_category"),
            models.CheckConstraint(
                condition=~Q(kind="lac") | ~Q(lac_legal_status=""), name="lac_has_legal_status"
            ),
        ]
        indexes = [models.Index(fields=["la", "kind", "ends_on"], name="legal_status_open")]

    def __str__(self) -> str:
        return self.get_kind_display()


@tracked()
class Placement(TenantModel):
    """Where a looked-after child lives. Placements of one child never overlap."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    placement_type = models.CharField(max_length=3, choices=codes.PLACEMENT_TYPE)
    provider = models.CharField(max_length=3, choices=codes.PLACEMENT_PROVIDER)
    carer_or_setting = models.CharField(max_length=160, blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = _period_constraints("placement", "child")
