"""The DfE returns as the LA's statutory record holds them: the CIN census and the SSDA903 return.

These tables keep each return's facts in the return's own shape, so that a census imported from the
LA's case management system can be exported again unchanged (round trip), and so that every DfE rule
can be checked against exactly what will be sent. Field names follow the DfE element and column names
(shared/RETURNS.md). The register (casework.children) is derived from them on import: legal statuses and
placements are what practitioners work with; these are what the DfE receives.

Coded fields are stored as given (upper-cased) even when the code is not on the DfE's list: the import
lists such breaches for the LA to put right in its source system rather than losing the value.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from casework.core.history import tracked
from casework.core.models import TenantModel


class ReturnKind(models.TextChoices):
    CIN = "cin", "Children in need census"
    SSDA903 = "903", "SSDA903 children looked after return"


# --- Runs: who imported or exported what, when, and what came of it --------------------------------


class ImportRun(TenantModel):
    """One import of one return file (CIN) or folder of files (SSDA903)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        HELD = "held", "Not imported: some records cannot be stored"
        FAILED = "failed", "Not imported: the file cannot be read"

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", "Import only if every record can be stored"
        STORABLE = "storable", "Import the records that can be stored, skip the rest"

    kind = models.CharField(max_length=3, choices=ReturnKind.choices)
    file_name = models.CharField(max_length=300, help_text="As uploaded or given on the command line.")
    stored_path = models.CharField(max_length=500, blank=True, help_text="Where an uploaded file waits.")
    file_size = models.BigIntegerField(default=0)
    collection_year = models.PositiveSmallIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress is written on a connection of its own, so it can be read while the import's
    # transaction is still open (bytes of the file read so far).
    bytes_read = models.BigIntegerField(default=0)
    message = models.TextField(
        blank=True, help_text="The outcome in a sentence, or why the file was refused."
    )
    counts = models.JSONField(default=dict, blank=True)
    rejected_count = models.PositiveIntegerField(default=0)
    breach_count = models.PositiveIntegerField(default=0)
    # The task worker (or command line) carrying out the import: while it runs, that process's
    # WorkerHeartbeat names this run; a run whose worker stopped beating is failed (supervision.py).
    worker_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["la", "-created_at"], name="import_run_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.file_name}"

    @property
    def stopped(self) -> bool:
        """Failed because its worker stopped or it raised (supervision.py, tasks.py), not refused."""
        return self.status == self.Status.FAILED and self.message.startswith("The import stopped")

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.HELD, self.Status.FAILED}:
            return 100
        if not self.file_size:
            return 0
        return min(99, int(100 * self.bytes_read / self.file_size))


class WorkerHeartbeat(models.Model):
    """A task worker (or a command-line import) that is alive: it writes beat_at every few seconds
    (settings.WORKER_HEARTBEAT_SECONDS) on a connection of its own, and names the import it is carrying
    out. Not a tenant row: one worker serves every LA of the deployment."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    current_run_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"


class ImportIssue(models.Model):
    """A record that could not be stored (rejected) or a DfE rule it breaks (stored, to be put right)."""

    class Severity(models.TextChoices):
        REJECTED = "rejected", "Cannot be stored"
        BREACH = "breach", "Stored, but breaks a DfE rule"
        NOTE = "note", "Note"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    file_name = models.CharField(max_length=300)
    location = models.CharField(max_length=200, help_text="Row number, or element path with line number.")
    la_child_id = models.CharField(max_length=40, blank=True)
    field = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500)
    fix = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "severity"], name="import_issue_run")]

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ImportOutcome(models.Model):
    """What the import did to one child: created, updated, unchanged or rejected."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        REJECTED = "rejected", "Rejected"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="outcomes")
    la_child_id = models.CharField(max_length=40)
    child = models.ForeignKey("children.Child", on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(max_length=9, choices=Outcome.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "outcome"], name="import_outcome_run")]

    def __str__(self) -> str:
        return f"{self.la_child_id}: {self.outcome}"


class ExportRun(TenantModel):
    """One export of a return: who took it, for which year, and what it held."""

    kind = models.CharField(max_length=3, choices=ReturnKind.choices)
    collection_year = models.PositiveSmallIntegerField()
    children = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.collection_year}"


# --- Children in need census ------------------------------------------------------------------------


@tracked()
class ChildReturnDetails(TenantModel):
    """Facts about a child that only the returns carry (the register holds name, birth, sex, ethnicity)."""

    child = models.OneToOneField("children.Child", on_delete=models.CASCADE, related_name="return_details")
    upn_unknown = models.CharField("UPNunknown", max_length=3, blank=True)
    # SSDA903 Header MOTHER and MC_DOB: is the child a mother, and the birth date of her first child.
    mother = models.BooleanField("MOTHER", null=True, blank=True)
    mother_child_dob = models.DateField("MC_DOB", null=True, blank=True)
    # SSDA903 UASC table: the child was an unaccompanied asylum-seeking child; DUC = when that ceased.
    uasc = models.BooleanField("UASC", default=False)
    uasc_ceased = models.DateField("DUC", null=True, blank=True)


@tracked()
class CinEpisode(TenantModel):
    """CINdetails: one episode of need, from referral to closure."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="cin_episodes")
    referral_date = models.DateField("CINreferralDate")
    referral_source = models.CharField("ReferralSource", max_length=3, blank=True)
    primary_need = models.CharField("PrimaryNeedCode", max_length=3, blank=True)
    closure_date = models.DateField("CINclosureDate", null=True, blank=True)
    closure_reason = models.CharField("ReasonForClosure", max_length=3, blank=True)
    referral_nfa = models.BooleanField("ReferralNFA", null=True, blank=True)
    initial_cpc_date = models.DateField("DateOfInitialCPC", null=True, blank=True)

    class Meta:
        ordering = ["child", "referral_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "referral_date"], name="cin_episode_one_per_referral_date"
            )
        ]
        indexes = [models.Index(fields=["la", "referral_date", "closure_date"], name="cin_episode_period")]


class CinEpisodePart(TenantModel):
    """Something recorded within one CIN episode, in the order the return gave it."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["episode", "position"]


@tracked()
class CinAssessment(CinEpisodePart):
    """Assessments: a social work assessment within the episode."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="assessments")
    start_date = models.DateField("AssessmentActualStartDate", null=True, blank=True)
    internal_review_date = models.DateField("AssessmentInternalReviewDate", null=True, blank=True)
    authorisation_date = models.DateField("AssessmentAuthorisationDate", null=True, blank=True)
    factors = ArrayField(
        models.CharField(max_length=3), default=list, blank=True, verbose_name="AssessmentFactors"
    )

    class Meta(CinEpisodePart.Meta):
        pass


@tracked()
class CinPlan(CinEpisodePart):
    """CINPlanDates: a child in need plan."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="plans")
    start_date = models.DateField("CINPlanStartDate", null=True, blank=True)
    end_date = models.DateField("CINPlanEndDate", null=True, blank=True)

    class Meta(CinEpisodePart.Meta):
        pass


@tracked()
class Section47(CinEpisodePart):
    """Section47: an enquiry under section 47 of the Children Act 1989."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="section47s")
    start_date = models.DateField("S47ActualStartDate", null=True, blank=True)
    icpc_target = models.DateField("InitialCPCtarget", null=True, blank=True)
    icpc_date = models.DateField("DateOfInitialCPC", null=True, blank=True)
    icpc_not_required = models.BooleanField("ICPCnotRequired", null=True, blank=True)

    class Meta(CinEpisodePart.Meta):
        pass


@tracked()
class CpPlan(CinEpisodePart):
    """ChildProtectionPlans: a child protection plan, with its review conference dates."""

    episode = models.ForeignKey(CinEpisode, on_delete=models.CASCADE, related_name="cp_plans")
    start_date = models.DateField("CPPstartDate", null=True, blank=True)
    end_date = models.DateField("CPPendDate", null=True, blank=True)
    initial_category = models.CharField("InitialCategoryOfAbuse", max_length=3, blank=True)
    latest_category = models.CharField("LatestCategoryOfAbuse", max_length=3, blank=True)
    previous_plans = models.PositiveSmallIntegerField("NumberOfPreviousCPP", null=True, blank=True)
    review_dates = ArrayField(models.DateField(), default=list, blank=True, verbose_name="CPPreviewDate")

    class Meta(CinEpisodePart.Meta):
        pass


# --- SSDA903 children looked after return -----------------------------------------------------------


@tracked()
class LacEpisode(TenantModel):
    """Episodes: one period with the same legal status, placement and carer."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_episodes")
    decom = models.DateField("DECOM")
    rne = models.CharField("RNE", max_length=2, blank=True)
    legal_status = models.CharField("LS", max_length=2, blank=True)
    cin = models.CharField("CIN", max_length=3, blank=True)
    place = models.CharField("PLACE", max_length=3, blank=True)
    place_provider = models.CharField("PLACE_PROVIDER", max_length=3, blank=True)
    dec = models.DateField("DEC", null=True, blank=True)
    rec = models.CharField("REC", max_length=3, blank=True)
    reason_place_change = models.CharField("REASON_PLACE_CHANGE", max_length=6, blank=True)
    home_post = models.CharField("HOME_POST", max_length=8, blank=True)
    pl_post = models.CharField("PL_POST", max_length=8, blank=True)
    urn = models.CharField("URN", max_length=8, blank=True)

    class Meta:
        ordering = ["child", "decom"]
        constraints = [models.UniqueConstraint(fields=["child", "decom"], name="lac_episode_one_per_start")]
        indexes = [models.Index(fields=["la", "decom", "dec"], name="lac_episode_period")]


@tracked()
class LacReview(TenantModel):
    """Reviews: a looked-after child's statutory review and how the child took part."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_reviews")
    review = models.DateField("REVIEW")
    review_code = models.CharField("REVIEW_CODE", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "review"]
        constraints = [models.UniqueConstraint(fields=["child", "review"], name="lac_review_one_per_day")]


@tracked()
class LacMissing(TenantModel):
    """Missing: a period missing (M) or away without authorisation (A) from placement."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_missing")
    missing = models.CharField("MISSING", max_length=1, blank=True)
    start_date = models.DateField("MIS_START")
    end_date = models.DateField("MIS_END", null=True, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="lac_missing_one_per_start")
        ]


@tracked()
class LacSocialWorkerEpisode(TenantModel):
    """SWEpisodes: who the child's social worker was, and why that changed."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_sw_episodes")
    sw_id = models.CharField("SW_ID", max_length=20, blank=True)
    start_date = models.DateField("SW_DECOM")
    end_date = models.DateField("SW_DEC", null=True, blank=True)
    reason = models.CharField("SW_REASON", max_length=6, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [models.UniqueConstraint(fields=["child", "start_date"], name="lac_sw_one_per_start")]


@tracked()
class LacPlacedForAdoption(TenantModel):
    """PlacedAdoption: a decision that the child should be placed for adoption, and if it ceased."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_placed_adoption")
    date_placed = models.DateField("DATE_PLACED")
    date_placed_ceased = models.DateField("DATE_PLACED_CEASED", null=True, blank=True)
    reason_placed_ceased = models.CharField("REASON_PLACED_CEASED", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "date_placed"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date_placed"], name="lac_placed_adoption_one_per_day")
        ]


@tracked()
class LacAdoption(TenantModel):
    """AD1: the adoption of a child who left care adopted."""

    child = models.OneToOneField("children.Child", on_delete=models.CASCADE, related_name="lac_adoption")
    date_int = models.DateField("DATE_INT", null=True, blank=True)
    date_match = models.DateField("DATE_MATCH", null=True, blank=True)
    foster_care = models.CharField("FOSTER_CARE", max_length=1, blank=True)
    nb_adoptr = models.CharField("NB_ADOPTR", max_length=1, blank=True)
    sex_adoptr = models.CharField("SEX_ADOPTR", max_length=2, blank=True)
    ls_adoptr = models.CharField("LS_ADOPTR", max_length=3, blank=True)


class LacYearRecord(TenantModel):
    """A table the SSDA903 collects once per child per collection year."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    collection_year = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ["child", "collection_year"]


@tracked()
class LacPreviousPermanence(LacYearRecord):
    """PrevPerm: a permanence order the child had before this period of care."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_prev_perm")
    prev_perm = models.CharField("PREV_PERM", max_length=2, blank=True)
    la_perm = models.CharField("LA_PERM", max_length=3, blank=True)
    # DATE_PERM may be partly unknown in the return ("zz/zz/2015"), so it is kept as written.
    date_perm = models.CharField("DATE_PERM", max_length=10, blank=True)

    class Meta(LacYearRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["child", "collection_year"], name="lac_prev_perm_one_per_year")
        ]


@tracked()
class LacOutcomes(LacYearRecord):
    """OC2: outcomes for a child looked after continuously for 12 months at 31 March."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_oc2")
    sdq_score = models.CharField("SDQ_SCORE", max_length=2, blank=True)
    sdq_reason = models.CharField("SDQ_REASON", max_length=4, blank=True)
    convicted = models.CharField("CONVICTED", max_length=1, blank=True)
    health_check = models.CharField("HEALTH_CHECK", max_length=1, blank=True)
    immunisations = models.CharField("IMMUNISATIONS", max_length=1, blank=True)
    teeth_check = models.CharField("TEETH_CHECK", max_length=1, blank=True)
    health_assessment = models.CharField("HEALTH_ASSESSMENT", max_length=1, blank=True)
    substance_misuse = models.CharField("SUBSTANCE_MISUSE", max_length=1, blank=True)
    intervention_received = models.CharField("INTERVENTION_RECEIVED", max_length=1, blank=True)
    intervention_offered = models.CharField("INTERVENTION_OFFERED", max_length=1, blank=True)

    class Meta(LacYearRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["child", "collection_year"], name="lac_oc2_one_per_year")
        ]


@tracked()
class LacCareLeaver(LacYearRecord):
    """OC3: a care leaver around their birthday: in touch, activity and accommodation."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_oc3")
    in_touch = models.CharField("IN_TOUCH", max_length=4, blank=True)
    activ = models.CharField("ACTIV", max_length=2, blank=True)
    accom = models.CharField("ACCOM", max_length=2, blank=True)

    class Meta(LacYearRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["child", "collection_year"], name="lac_oc3_one_per_year")
        ]


@tracked()
class LacDeprivationOfLiberty(TenantModel):
    """DoLo: a deprivation of liberty order (collected from 2026-27)."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lac_dolo")
    start_date = models.DateField("DOLO_START")
    end_date = models.DateField("DOLO_END", null=True, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="lac_dolo_one_per_start"),
        ]
