"""Admin views of the Excel engine: upload → check (dry run) → confirm → progress → result; exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from modules.accounts.areas import user_has_area_right
from modules.accounts.net import client_ip

from .forms import ConfirmForm, ExportReasonForm, UploadForm
from .layouts import UnknownKind, all_kinds, get_kind
from .models import ExcelLayout, ImportJob
from .reader import SpreadsheetError
from .selectors import import_job_errors, layouts_for_kind, recent_import_jobs
from .services import (
    ExportRefused,
    ImportRefused,
    export_plan,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_progress,
    layout_columns,
    spreadsheet_export,
)
from .writer import WriterColumn, export_file


def _kind_or_404(kind: str):
    try:
        spec = get_kind(kind)
    except UnknownKind:
        raise Http404 from None
    return spec


def _require(request, spec, right: str) -> None:
    if not user_has_area_right(request.user, spec.area, right):
        raise PermissionDenied


def import_index(request):
    """The kinds this user may upload, and their recent uploads."""
    kinds = [
        spec
        for spec in all_kinds()
        if spec.importer is not None and user_has_area_right(request.user, spec.area, "view")
    ]
    if not kinds:
        raise PermissionDenied
    jobs = recent_import_jobs(kinds=[spec.key for spec in kinds])
    return render(request, "spreadsheets/import_index.html", {"kinds": kinds, "jobs": jobs})


def import_upload(request, kind: str):
    spec = _kind_or_404(kind)
    _require(request, spec, "edit")
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                kind=kind, upload=form.cleaned_data["file"], layout=form.cleaned_data["layout"], user=request.user
            )
        except (SpreadsheetError, ImportRefused) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("spreadsheets_import_job", job_id=job.pk)
    layout = form.cleaned_data.get("layout") if form.is_bound and form.is_valid() else None
    try:
        _layout, columns = layout_columns(kind=kind, layout=layout)
    except ImportRefused:
        columns = []
    return render(
        request,
        "spreadsheets/import_upload.html",
        {
            "kind": spec,
            "form": form,
            "columns": [(column, spec.fields[column.field]) for column in columns if column.field in spec.fields],
            "available": spec.importer is not None,
            "jobs": recent_import_jobs(kinds=[kind], limit=10),
        },
    )


def import_template(request, kind: str):
    """An empty file with the layout's header row, to fill in and upload."""
    spec = _kind_or_404(kind)
    _require(request, spec, "view")
    layout = None
    if request.GET.get("layout", "").isdigit():
        layout = get_object_or_404(layouts_for_kind(kind), pk=int(request.GET["layout"]))
    layout, columns = layout_columns(kind=kind, layout=layout)
    writer_columns = [WriterColumn(column.title, spec.fields[column.field].type) for column in columns]
    return export_file(writer_columns, [], filename=layout.name).response()


def _job_for(request, job_id: int, right: str) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)
    _require(request, _kind_or_404(job.kind), right)
    return job


def import_job_detail(request, job_id: int):
    job = _job_for(request, job_id, "view")
    spec = get_kind(job.kind)
    return render(
        request,
        "spreadsheets/import_job.html",
        {
            "job": job,
            "kind": spec,
            "errors": import_job_errors(job, limit=200) if job.error_rows else [],
            "can_edit": user_has_area_right(request.user, spec.area, "edit"),
            "progress": import_job_progress(job),
        },
    )


@require_POST
def import_job_confirm_view(request, job_id: int):
    job = _job_for(request, job_id, "edit")
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to import."))
        return redirect("spreadsheets_import_job", job_id=job.pk)
    try:
        job = import_job_confirm(job=job, mode=form.cleaned_data["mode"], user=request.user)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        if job.status == ImportJob.Status.DONE:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": f"{job.created:,}", "updated": f"{job.updated:,}", "unchanged": f"{job.unchanged:,}"},
            )
    return redirect("spreadsheets_import_job", job_id=job.pk)


@require_POST
def import_job_cancel_view(request, job_id: int):
    job = _job_for(request, job_id, "edit")
    import_job_cancel(job=job)
    return redirect("spreadsheets_import_job", job_id=job.pk)


@require_GET
def import_job_progress_view(request, job_id: int):
    job = _job_for(request, job_id, "view")
    return JsonResponse(import_job_progress(job))


def import_job_errors_download(request, job_id: int):
    """All stored row errors of an upload as an xlsx, to fix the file row by row."""
    job = _job_for(request, job_id, "view")
    columns = [WriterColumn(_("Row"), "int"), WriterColumn(_("Column")), WriterColumn(_("Problem"))]
    rows = ((error.row, error.column, error.message) for error in import_job_errors(job, limit=None).iterator())
    stem = job.original_name.rsplit(".", 1)[0]
    return export_file(columns, rows, filename=f"{stem}_errors").response()


def export_response(
    request, *, kind: str, objects: Any, description: str = "", layout: ExcelLayout | None = None, fmt: str = "xlsx"
) -> HttpResponse:
    """For list views of other modules: download ``objects`` in a layout, asking for a reason when needed.

    A layout with personal data first renders a form asking why; it posts back to the same URL
    (with the same query string) carrying ``reason``. The view calling this checks the list's own
    view right; personal data additionally needs the area's "personal data" right.
    """
    spec = _kind_or_404(kind)
    _require(request, spec, "view")
    plan = export_plan(kind=kind, layout=layout)
    form = ExportReasonForm(request.POST or None) if plan.needs_reason else None
    if form is not None and not (request.method == "POST" and form.is_valid()):
        if not user_has_area_right(request.user, spec.area, "pii"):
            raise PermissionDenied
        return render(
            request,
            "spreadsheets/export_reason.html",
            {"form": form, "plan": plan, "kind": spec, "description": description},
        )
    try:
        result = spreadsheet_export(
            kind=kind,
            objects=objects,
            user=request.user,
            layout=plan.layout,
            reason=form.cleaned_data["reason"] if form is not None else "",
            description=description,
            ip=client_ip(request),
            fmt=fmt,
        )
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect(request.get_full_path())
    return result.response()
