"""Pages for the DfE returns: upload an import and follow it, read its report, download a return."""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casework.core import clock, listing, spreadsheet
from casework.core.formtools import apply_validation_error
from casework.core.replica import reads_from_replica
from casework.core.types import AuthenticatedRequest
from casework.returns import selectors, services, supervision
from casework.returns.forms import ExportForm, ImportForm
from casework.returns.importing import issues_as_rows
from casework.returns.models import ImportIssue, ImportRun
from domain.census.years import year_of

ISSUES_PER_PAGE = 50
# The run's report as every list is (STYLE.md section 8): paged with its true count, downloadable with the
# filter chosen, the download audited.
ISSUES: listing.Listing[ImportIssue] = listing.Listing(
    name="import-report",
    title="Import report",
    columns=[
        listing.Column("File", lambda i: i.file_name),
        listing.Column("Where", lambda i: i.location),
        listing.Column("LA child ID", lambda i: i.la_child_id),
        listing.Column("Finding", lambda i: i.get_severity_display()),
        listing.Column("Field", lambda i: i.field),
        listing.Column("Value", lambda i: i.value),
        listing.Column("What", lambda i: i.message),
        listing.Column("How to fix it", lambda i: i.fix),
    ],
    noun=("finding", "findings"),
    per_page=ISSUES_PER_PAGE,
)


def _require(request: AuthenticatedRequest) -> None:
    if not services.can_use_returns(request.user):
        raise PermissionDenied


def _run_for(request: AuthenticatedRequest, run_id: int) -> ImportRun:
    _require(request)
    return get_object_or_404(
        ImportRun.objects.select_related("created_by"), pk=run_id, la_id=request.user.la_id
    )


def _worker_context() -> dict[str, Any]:
    """Fail the imports of a worker that died, and say plainly when no worker is running."""
    supervision.reap_dead_runs()
    expected = settings.TASK_WORKER_EXPECTED
    return {"no_worker": expected and not supervision.worker_running()}


def _home(
    request: AuthenticatedRequest, import_form: ImportForm, export_form: ExportForm, status: int = 200
) -> HttpResponse:
    worker = _worker_context()
    runs = ImportRun.objects.filter(la_id=request.user.la_id).select_related("created_by")[:20]
    context = {"import_form": import_form, "export_form": export_form, "runs": runs, **worker}
    return render(request, "returns/home.html", context, status=status)


def returns_home(request: AuthenticatedRequest) -> HttpResponse:
    _require(request)
    return _home(request, ImportForm(), _export_form())


def _export_form() -> ExportForm:
    """The download form, its year the collection in progress today (the one a Download press sends)."""
    return ExportForm(prefix="export", initial={"year": year_of(clock.today()).year})


@require_POST
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    _require(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = services.start_import(
                actor=request.user,
                kind=data["kind"],
                files=data["upload"],
                mode=data["mode"],
                year=data["year"],
            )
        except ValidationError as error:
            apply_validation_error(form, ValidationError({"upload": error.messages}))
        else:
            return redirect("returns:run", run_id=run.pk)
    return _home(request, form, _export_form(), status=400)


def run_detail(request: AuthenticatedRequest, run_id: int) -> HttpResponse | StreamingHttpResponse:
    worker = _worker_context()
    run = _run_for(request, run_id)
    if request.htmx and request.GET.get("part") == "progress":
        response = render(request, "returns/_progress.html", {"run": run, **worker})
        if run.status not in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}:
            response["HX-Refresh"] = "true"  # finished: load the whole report
        return response
    severity = request.GET.get("severity", "")
    issues = selectors.issues_visible_to(user=request.user, run=run)
    if severity in ImportIssue.Severity.values:
        issues = issues.filter(severity=severity)
    if listing.wants_export(request, ISSUES):
        return listing.export(request, issues, ISSUES)
    found = listing.paginate(request, issues, ISSUES)
    outcomes = run.counts.get("children", {}) if isinstance(run.counts, dict) else {}
    context: dict[str, Any] = {
        "run": run,
        "page": found.page,
        "list": found,
        "severity": severity,
        "severities": ImportIssue.Severity.choices,
        "outcomes": outcomes,
        "records": run.counts.get("records", {}) if isinstance(run.counts, dict) else {},
        "rules": list((run.counts.get("rules", {}) if isinstance(run.counts, dict) else {}).items())[:30],
        "in_progress": run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING},
        "can_rerun": selectors.can_rerun(run),
        **worker,
    }
    return render(request, "returns/run.html", context)


@require_POST
def run_rerun(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = _run_for(request, run_id)
    try:
        again = services.rerun_storable(actor=request.user, run=run)
    except ValidationError as error:
        raise Http404(error.messages[0]) from error
    return redirect("returns:run", run_id=again.pk)


class _Echo:
    def write(self, value: str) -> str:
        return value


def run_issues_csv(request: AuthenticatedRequest, run_id: int) -> StreamingHttpResponse:
    run = _run_for(request, run_id)
    writer = spreadsheet.writer(_Echo())
    issues = selectors.issues_visible_to(user=request.user, run=run)
    rows = (writer.writerow(row) for row in issues_as_rows(run, issues))
    response = StreamingHttpResponse(rows, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response


class _CleanupFile:
    """A file handle that removes its export's working folder when the response closes it."""

    def __init__(self, export: services.ExportFile) -> None:
        self._export = export
        self._handle = export.path.open("rb")

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)

    def close(self) -> None:
        self._handle.close()
        shutil.rmtree(self._export.workdir, ignore_errors=True)


@require_POST
@reads_from_replica
def export_download(request: AuthenticatedRequest) -> HttpResponse | FileResponse:
    _require(request)
    form = ExportForm(request.POST, prefix="export")
    if not form.is_valid():
        return _home(request, ImportForm(), form, status=400)
    export = services.export_return(
        actor=request.user, kind=form.cleaned_data["kind"], year=form.cleaned_data["year"]
    )
    response = FileResponse(
        _CleanupFile(export),
        as_attachment=True,
        filename=export.download_name,
        content_type=export.content_type,
    )
    return response
