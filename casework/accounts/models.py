"""Staff: who they are, where they sit, what they may see, and when they are available."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.crypto import salted_hmac

from casework.core.history import tracked
from casework.core.models import LocalAuthority, TenantModel
from casework.core.roles import PRACTITIONER_ROLES, Role
from domain.people import workforce

__all__ = [
    "PRACTITIONER_ROLES",
    "Availability",
    "EmploymentCheck",
    "Role",
    "StaffAbsence",
    "StaffKind",
    "Team",
    "User",
]


class StaffKind(models.TextChoices):
    """How a member of staff came to work for the council (domain/people/workforce.py)."""

    PERMANENT = workforce.PERMANENT, workforce.KIND_LABELS[workforce.PERMANENT]
    RETURNER = workforce.RETURNER, workforce.KIND_LABELS[workforce.RETURNER]
    STUDENT = workforce.STUDENT, workforce.KIND_LABELS[workforce.STUDENT]
    AGENCY = workforce.AGENCY, workforce.KIND_LABELS[workforce.AGENCY]
    SECONDED = workforce.SECONDED, workforce.KIND_LABELS[workforce.SECONDED]


@tracked()
class Team(TenantModel):
    class ServiceArea(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door (MASH) and assessment"
        CHILDREN_IN_NEED = "children_in_need", "Children in need and child protection"
        LOOKED_AFTER = "looked_after", "Children looked after"
        LEAVING_CARE = "leaving_care", "Leaving care"
        DISABILITY = "disability", "Children with disabilities"
        EARLY_HELP = "early_help", "Early help"
        UASC = "uasc", "Unaccompanied asylum-seeking children"

    name = models.CharField(max_length=120)
    service_area = models.CharField(max_length=32, choices=ServiceArea.choices)
    manager = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_teams"
    )
    # A closed team leaves every picker but keeps its page and history (accounts.services.team_close).
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["la", "name"], name="team_name_unique_in_la")]

    def __str__(self) -> str:
        return self.name


@tracked(exclude=["password", "last_login", "session_epoch"])
class User(AbstractUser):
    """A member of staff who signs in. Superusers (deployment operators) have no local authority."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.SOCIAL_WORKER)
    job_title = models.CharField(max_length=120, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    caseload_capacity = models.PositiveSmallIntegerField(
        default=0, help_text="Number of children this worker can hold at full time."
    )
    phone = models.CharField(max_length=40, blank=True)
    # The workforce (PRODUCT.md M18): what kind of staff, and what that kind needs recorded.
    # db_default: rows written by COPY (the demo, imports) that do not name these columns get the same.
    staff_kind = models.CharField(
        max_length=16, choices=StaffKind.choices, default=StaffKind.PERMANENT, db_default=StaffKind.PERMANENT
    )
    university = models.CharField(max_length=120, blank=True, default="", db_default="")
    practice_supervisor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="students"
    )
    organisation = models.CharField(
        max_length=120,
        blank=True,
        default="",
        db_default="",
        help_text="The agency, or the seconding organisation (Ofsted, Cafcass).",
    )
    engaged_until = models.DateField(
        null=True, blank=True, help_text="When the contract, secondment or placement ends, if it does."
    )
    # Raised by "sign out everywhere" (and on deactivation): part of the session's authentication hash,
    # so every session made before it is ended on its next request (OWASP ASVS 4.0 3.3.4).
    session_epoch = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (of the password hash) with the session epoch in it: a new password
        or a new epoch ends every other session (django.contrib.auth.get_user compares it each request).
        At epoch 0 it is Django's own hash, so the sessions of the day this was deployed stay valid."""
        if not self.session_epoch:
            salt, value = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", self.password
        else:
            salt = "continuity.accounts.User.session_auth_hash"
            value = f"{self.password}|{self.session_epoch}"
        return salted_hmac(salt, value, secret=secret, algorithm="sha256").hexdigest()


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    SICK = "sick", "Off sick"
    SELF_ISOLATING = "self_isolating", "Self-isolating"
    SHIELDING = "shielding", "Shielding"
    CARING = "caring", "Caring responsibilities"
    LEAVE = "leave", "On leave"


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


@tracked()
class StaffAbsence(TenantModel):
    """A period in which a member of staff is not available to work with children."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="absences")
    status = models.CharField(max_length=32, choices=Availability.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave blank if the end is not known.")
    can_work_from_home = models.BooleanField(
        default=False, help_text="Shielding or isolating but well enough for phone and video contact."
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
            ),
            ExclusionConstraint(
                name="absence_no_overlap",
                expressions=[
                    ("user", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", RangeBoundary(inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]


@tracked()
class EmploymentCheck(TenantModel):
    """One check a returning social worker needs before they are allocated children: when it was done
    (or, for the registration, when they were re-registered) and who confirmed it."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", workforce.CHECKS_BY_ID["registration"].title
        FITNESS_TO_PRACTISE = "fitness_to_practise", workforce.CHECKS_BY_ID["fitness_to_practise"].title
        REFERENCES = "references", workforce.CHECKS_BY_ID["references"].title
        RIGHT_TO_WORK = "right_to_work", workforce.CHECKS_BY_ID["right_to_work"].title
        IDENTITY = "identity", workforce.CHECKS_BY_ID["identity"].title
        DBS = "dbs", workforce.CHECKS_BY_ID["dbs"].title

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="employment_checks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    confirmed_on = models.DateField()
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="employment_check_once")]
