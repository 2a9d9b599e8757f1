"""Reads of the Excel engine, with the joins the admin pages need."""

from django.db.models import QuerySet

from .models import ExcelLayout, ImportJob, ImportRowError, PersonalDataDownload


def layouts_for_kind(kind: str) -> QuerySet[ExcelLayout]:
    return ExcelLayout.objects.filter(kind=kind).order_by("-is_default", "name")


def recent_import_jobs(*, kind: str | None = None, limit: int = 20) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs[:limit]


def import_job_errors(job: ImportJob, *, limit: int | None = 200) -> QuerySet[ImportRowError]:
    errors = ImportRowError.objects.filter(job=job).order_by("row", "id")
    return errors[:limit] if limit else errors


def personal_data_downloads() -> QuerySet[PersonalDataDownload]:
    return PersonalDataDownload.objects.order_by("-created_at", "-id")
