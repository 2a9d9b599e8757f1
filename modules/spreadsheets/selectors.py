"""Reads of the Excel engine, with the joins the admin pages need."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import ExcelLayout, ImportJob, ImportRowError


def layouts_for_kind(kind: str) -> QuerySet[ExcelLayout]:
    return ExcelLayout.objects.filter(kind=kind).order_by("-is_default", "name")


def recent_import_jobs(*, kinds: Iterable[str] | None = None, limit: int = 20) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    if kinds is not None:
        jobs = jobs.filter(kind__in=list(kinds))
    return jobs[:limit]


def import_job_errors(job: ImportJob, *, limit: int | None = 200) -> QuerySet[ImportRowError]:
    errors = ImportRowError.objects.filter(job=job).order_by("row", "id")
    return errors[:limit] if limit else errors
