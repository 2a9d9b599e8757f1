"""Writes of the Excel engine: layouts, the import pipeline (upload → dry run → confirm), exports.

Import pipeline
    ``import_job_create`` refuses unsafe files before storing anything, stores the upload on an
    ImportJob, finds the header and runs the dry run: every row is parsed and checked, the kind's
    importer counts what it would create / update / leave, and the row errors are stored. Nothing
    is written to the target tables. ``import_job_confirm`` then imports either all rows or
    nothing (refused while any row has an error) or only the valid rows, in one transaction
    through the kind's importer. Files with more than ``SPREADSHEETS_INLINE_MAX_ROWS`` (2,000) data
    rows run both steps as django-q2 tasks started on commit, with progress (rows done / total) on
    the job row and in the cache, which the admin page polls.

Exports
    ``spreadsheet_export`` writes the objects in a layout's columns to a streamed temporary file.
    When the layout has a personal-data field the user needs the kind's area "personal data" right
    and must give a reason, and a PersonalDataDownload row is written.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from modules.accounts.areas import user_has_area_right

from .cells import parser_for
from .importers import ImportContext, ImportCounts, ImportRow, RowsRejected
from .layouts import KindSpec, LayoutColumn, default_columns, get_kind, validate_columns
from .models import RUNNING_STATUSES, ExcelLayout, ImportJob, ImportRowError, PersonalDataDownload
from .reader import SpreadsheetError, Table, check_upload, load_bytes, read_table
from .writer import ExportFile, WriterColumn, export_file

logger = logging.getLogger("jangteo.spreadsheets")

IMPORT_TASK = "modules.spreadsheets.tasks.import_job_task"
PROGRESS_TTL = 6 * 3600


def inline_max_rows() -> int:
    return getattr(settings, "SPREADSHEETS_INLINE_MAX_ROWS", 2_000)


def max_stored_errors() -> int:
    return getattr(settings, "SPREADSHEETS_MAX_STORED_ERRORS", 10_000)


class ImportRefused(Exception):
    """The request cannot be carried out; ``str(exc)`` is the message for the user."""


class ExportRefused(Exception):
    """An export needs something from the user first (a reason); ``str(exc)`` says what."""


# Layouts -----------------------------------------------------------------------------------


def layout_save(*, layout: ExcelLayout) -> ExcelLayout:
    """Validate and save; a new default layout takes the place of the kind's previous default."""
    layout.full_clean()
    with transaction.atomic():
        layout.save()
        layout_make_sole_default(layout=layout)
    return layout


def layout_make_sole_default(*, layout: ExcelLayout) -> None:
    """When ``layout`` is marked default, no other layout of its kind stays default."""
    if layout.is_default:
        ExcelLayout.objects.filter(kind=layout.kind, is_default=True).exclude(pk=layout.pk).update(is_default=False)


def layout_default(*, kind: str) -> ExcelLayout:
    """The kind's default layout, created from the kind's fields (default titles) when missing."""
    spec = get_kind(kind)
    layout = ExcelLayout.objects.filter(kind=kind, is_default=True).order_by("-updated_at", "-id").first()
    if layout is not None:
        return layout
    name = _("Default: %(kind)s") % {"kind": spec.label}
    layout = ExcelLayout(
        kind=kind, name=name[:100], is_default=True, columns=ExcelLayout.columns_value(kind, default_columns(kind))
    )
    with transaction.atomic():
        # Another request may have just made it.
        existing = ExcelLayout.objects.select_for_update().filter(kind=kind, name=layout.name).first()
        if existing is not None:
            return existing
        layout.save()
    return layout


def layout_columns(*, kind: str, layout: ExcelLayout | None) -> tuple[ExcelLayout, list[LayoutColumn]]:
    layout = layout or layout_default(kind=kind)
    if layout.kind != kind:
        raise ImportRefused(_("The layout “%(layout)s” is not a layout of this list.") % {"layout": layout.name})
    return layout, layout.column_list()


# Import ------------------------------------------------------------------------------------


def import_job_create(
    *, kind: str, upload: Any, user=None, layout: ExcelLayout | None = None, name: str = ""
) -> ImportJob:
    """Check and store an upload, then dry-run it (inline, or queued when the file is big).

    Raises SpreadsheetError for files refused before storing (size, format, encryption, zip bomb)
    and ImportRefused for a kind without an importer or a layout unfit for uploads. A file whose
    columns do not match gives a FAILED job carrying the message.
    """
    spec = get_kind(kind)
    if spec.importer is None:
        raise ImportRefused(_("Uploads of %(kind)s are not available yet.") % {"kind": spec.label})
    layout, columns = layout_columns(kind=kind, layout=layout)
    problems = validate_columns(kind, columns, for_import=True)
    if problems:
        raise ImportRefused(" ".join(problems))
    data, name = load_bytes(upload, name=name)
    check_upload(data, name)
    job = ImportJob.objects.create(
        kind=kind,
        layout=layout,
        layout_name=layout.name,
        columns=[{"field": column.field, "title": column.title} for column in columns],
        file=ContentFile(data, name=name),
        original_name=name[:255],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        table = _open_table(job, data=data)
    except SpreadsheetError as exc:
        return _fail(job, exc.message)
    if table.data_rows > inline_max_rows():
        ImportJob.objects.filter(pk=job.pk).update(background=True, total_rows=table.data_rows)
        job.background, job.total_rows = True, table.data_rows
        _queue(job, "validate")
        return job
    return _validate(job, table=table)


def import_job_confirm(*, job: ImportJob, mode: str, user=None) -> ImportJob:
    """Import the checked file: ``mode`` ALL (refused while rows have errors) or VALID_ONLY."""
    if mode not in ImportJob.Mode.values:
        raise ImportRefused(_("Choose how to import."))
    if job.status != ImportJob.Status.VALIDATED:
        raise ImportRefused(
            _("This upload is not waiting for confirmation (%(status)s).") % {"status": job.get_status_display()}
        )
    if mode == ImportJob.Mode.ALL and job.error_rows:
        raise ImportRefused(
            _("%(count)s rows have errors. Fix them and upload again, or import only the valid rows.")
            % {"count": f"{job.error_rows:,}"}
        )
    if job.valid_rows == 0:
        raise ImportRefused(_("No row can be imported."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED).update(
        status=ImportJob.Status.IMPORT_QUEUED, mode=mode, rows_done=0
    )
    if not claimed:
        raise ImportRefused(_("This upload was already confirmed."))
    job.refresh_from_db()
    if job.background:
        _queue(job, "import")
        return job
    return _apply(job, user=user)


def import_job_cancel(*, job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, phase: str) -> ImportJob | None:
    """The background step (django-q2 task): "validate" (dry run) or "import"."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if phase == "validate":
        return _validate(job)
    return _apply(job, user=job.created_by)


def import_jobs_purge(*, older_than_days: int = 90) -> int:
    """Delete finished uploads (their stored files and row errors) older than ``older_than_days``."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING_STATUSES).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What the admin page polls: status, rows done / total, counts."""
    done = cache.get(_progress_key(job.pk))
    if done is None or not job.is_running:
        done = job.rows_done
    total = job.total_rows
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "running": job.is_running,
        "rows_done": min(done, total) if total else done,
        "total_rows": total,
        "percent": int(100 * min(done, total) / total) if total else (0 if job.is_running else 100),
        "message": job.message,
    }


def _queue(job: ImportJob, phase: str) -> None:
    transaction.on_commit(lambda: async_task(IMPORT_TASK, job.pk, phase, task_name=f"spreadsheet-{phase}-{job.pk}"))


def _progress_key(job_id: int) -> str:
    return f"spreadsheets:import:{job_id}:progress"


def _progress(job: ImportJob, done: int) -> None:
    done = min(done, job.total_rows) if job.total_rows else done
    cache.set(_progress_key(job.pk), done, PROGRESS_TTL)
    # Inside the import transaction this row update is seen only at commit; the cache is seen at once.
    ImportJob.objects.filter(pk=job.pk).update(rows_done=done)
    job.rows_done = done


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    cache.delete(_progress_key(job.pk))
    return job


def _open_table(job: ImportJob, *, data: bytes | None = None) -> Table:
    if data is None:
        with job.file.open("rb") as handle:
            data = handle.read()
    spec = get_kind(job.kind)
    aliases = {key: item.title for key, item in spec.fields.items()}
    table = read_table(data, job.column_list(), name=job.original_name, layout_name=job.layout_name, aliases=aliases)
    job.header_row, job.total_rows = table.header_row, table.data_rows
    ImportJob.objects.filter(pk=job.pk).update(header_row=table.header_row, total_rows=table.data_rows)
    return table


@dataclass
class _Chunk:
    valid: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column title, message)
    error_rows: set[int] = field(default_factory=set)
    last_row: int = 0

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))
        self.error_rows.add(row)


def _checked_chunks(spec: KindSpec, table: Table, context: ImportContext) -> Iterator[_Chunk]:
    """Parse every cell, check required values and duplicate keys, then the importer's own checks."""
    importer = spec.importer
    titles = {column.field: column.title for column in table.columns.values()}
    key_fields = list(spec.key_fields) if all(key in titles for key in spec.key_fields) else []
    seen_keys: dict[tuple, int] = {}
    required = {key for key, item in spec.fields.items() if item.required}
    # FieldSpec.parse resolved once per column, not per cell (a 20,000-row file has half a million cells).
    parsers = {key: item.parser or parser_for(item.type) for key, item in spec.fields.items()}
    chunk = _Chunk()
    full, last_group = False, None
    for number, raw in table.rows:
        group = importer.group_key(raw)
        if full and (group is None or group != last_group):
            yield _finish_chunk(chunk, importer, titles, context)
            chunk, full = _Chunk(), False
        last_group = group
        chunk.last_row = number
        values: dict[str, Any] = {}
        row_errors: list[tuple[str, str]] = []
        for key, value in raw.items():
            try:
                parsed = parsers[key](value)
            except ValueError as exc:
                row_errors.append((key, str(exc)))
                continue
            if parsed is None and key in required:
                row_errors.append((key, _("A value is required.")))
            values[key] = parsed
        if key_fields and not any(key in dict(row_errors) for key in key_fields):
            key = tuple(values.get(name) for name in key_fields)
            if any(part is not None for part in key):
                if key in seen_keys:
                    row_errors.append(
                        (
                            key_fields[0],
                            _("Duplicate row: the same %(titles)s as row %(row)d.")
                            % {"titles": "/".join(titles[name] for name in key_fields), "row": seen_keys[key]},
                        )
                    )
                else:
                    seen_keys[key] = number
        if row_errors:
            for key, message in row_errors:
                chunk.add_error(number, titles.get(key, ""), message)
        else:
            chunk.valid.append(ImportRow(number=number, values=values))
        if len(chunk.valid) + len(chunk.error_rows) >= importer.chunk_size:
            if group is None:
                yield _finish_chunk(chunk, importer, titles, context)
                chunk = _Chunk()
            else:  # the chunk ends where the next row starts another group
                full = True
    if chunk.valid or chunk.errors:
        yield _finish_chunk(chunk, importer, titles, context)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's automatic cyclic GC paused while rows are read and imported (see ``_collected_per_chunk``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collected_per_chunk(chunks: Iterator[_Chunk]) -> Iterator[_Chunk]:
    """The young generations collected once per chunk, while automatic collection is paused.

    The import loop makes many short-lived objects (a dict per row, model instances per chunk); with automatic
    collection they trigger full collections over the whole process heap (Django, Wagtail and their caches:
    hundreds of thousands of objects) again and again, about a third of a 20,000-row import's time
    (bench/sku_import.py). Collecting generations 0 and 1 after each chunk keeps memory bounded by a chunk.
    """
    for chunk in chunks:
        yield chunk
        gc.collect(1)


def _finish_chunk(chunk: _Chunk, importer, titles: dict[str, str], context: ImportContext) -> _Chunk:
    if chunk.valid:
        problems = importer.validate_rows(chunk.valid, context=context) or {}
        if problems:
            chunk.valid = _drop_rejected(chunk, problems, titles)
    return chunk


def _drop_rejected(
    chunk: _Chunk, problems: dict[int, list[tuple[str, str]]], titles: dict[str, str]
) -> list[ImportRow]:
    for number, items in problems.items():
        for key, message in items:
            chunk.add_error(number, titles.get(key, key or ""), message)
    return [row for row in chunk.valid if row.number not in problems]


def _store_errors(job: ImportJob, errors: list[tuple[int, str, str]], stored: int) -> int:
    room = max_stored_errors() - stored
    if room <= 0 or not errors:
        return stored
    batch = [
        ImportRowError(job=job, row=row, column=column[:100], message=message[:500])
        for row, column, message in errors[:room]
    ]
    ImportRowError.objects.bulk_create(batch, batch_size=1000)
    return stored + len(batch)


def _validate(job: ImportJob, *, table: Table | None = None) -> ImportJob:
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, rows_done=0
    )
    if not claimed:  # already checked by another worker: a redelivered task does nothing
        job.refresh_from_db()
        return job
    job.status = ImportJob.Status.VALIDATING
    spec = get_kind(job.kind)
    try:
        if table is None:
            table = _open_table(job)
        context = ImportContext(kind=spec, user=job.created_by, job=job)
        counts, error_rows, stored = ImportCounts(), 0, 0
        ImportRowError.objects.filter(job=job).delete()
        with _gc_paused():
            for chunk in _collected_per_chunk(_checked_chunks(spec, table, context)):
                if chunk.valid:
                    counts.add(spec.importer.preview([row.values for row in chunk.valid], context=context))
                error_rows += len(chunk.error_rows)
                stored = _store_errors(job, sorted(chunk.errors), stored)
                _progress(job, chunk.last_row - table.header_row)
    except SpreadsheetError as exc:
        return _fail(job, exc.message)
    except Exception:
        logger.exception("import job %s: dry run failed", job.pk)
        return _fail(job, _("The file could not be checked because of an unexpected error. Nothing was imported."))
    job.would_create, job.would_update, job.would_leave = counts.created, counts.updated, counts.unchanged
    job.error_rows = error_rows
    job.rows_done = job.total_rows
    job.status = ImportJob.Status.VALIDATED
    job.validated_at = timezone.now()
    job.message = ""
    job.save(
        update_fields=[
            "would_create",
            "would_update",
            "would_leave",
            "error_rows",
            "rows_done",
            "status",
            "validated_at",
            "message",
        ]
    )
    cache.delete(_progress_key(job.pk))
    return job


class _Abort(Exception):
    pass


def _apply(job: ImportJob, *, user=None) -> ImportJob:
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.IMPORT_QUEUED).update(
        status=ImportJob.Status.IMPORTING, rows_done=0
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.status = ImportJob.Status.IMPORTING
    spec = get_kind(job.kind)
    importer = spec.importer
    all_or_nothing = job.mode == ImportJob.Mode.ALL
    errors: list[tuple[int, str, str]] = []
    error_rows: set[int] = set()
    counts = ImportCounts()
    titles = {item["field"]: item["title"] for item in job.columns}
    try:
        table = _open_table(job)
        context = ImportContext(kind=spec, user=user, job=job)
        with transaction.atomic(), _gc_paused():
            for chunk in _collected_per_chunk(_checked_chunks(spec, table, context)):
                errors.extend(chunk.errors)
                error_rows |= chunk.error_rows
                if chunk.errors and all_or_nothing:
                    raise _Abort
                if chunk.valid:
                    counts.add(_apply_chunk(importer, chunk, titles, context, errors, error_rows, all_or_nothing))
                _progress(job, chunk.last_row - table.header_row)
    except _Abort:
        ImportRowError.objects.filter(job=job).delete()
        _store_errors(job, sorted(errors), 0)
        job.error_rows = len(error_rows)
        job.save(update_fields=["error_rows"])
        return _fail(
            job,
            _("%(count)s rows had errors, so nothing was imported (all or nothing). Fix them and upload again.")
            % {"count": f"{len(error_rows):,}"},
        )
    except SpreadsheetError as exc:
        return _fail(job, exc.message)
    except Exception:
        logger.exception("import job %s: import failed", job.pk)
        return _fail(job, _("The import stopped because of an unexpected error. Nothing was imported."))
    ImportRowError.objects.filter(job=job).delete()
    _store_errors(job, sorted(errors), 0)
    job.created, job.updated, job.unchanged = counts.created, counts.updated, counts.unchanged
    job.skipped = job.error_rows = len(error_rows)
    job.rows_done = job.total_rows
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.message = ""
    job.save(
        update_fields=[
            "created",
            "updated",
            "unchanged",
            "skipped",
            "error_rows",
            "rows_done",
            "status",
            "finished_at",
            "message",
        ]
    )
    cache.delete(_progress_key(job.pk))
    return job


def _apply_chunk(importer, chunk: _Chunk, titles, context, errors, error_rows, all_or_nothing) -> ImportCounts:
    """Write one chunk in a savepoint; rows the importer rejects at write time are dropped (valid-only)."""
    rows = chunk.valid
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return importer.apply([row.values for row in rows], context=context)
        except RowsRejected as exc:
            rejected = _Chunk()
            for index, items in exc.errors.items():
                for key, message in items:
                    rejected.add_error(rows[index].number, titles.get(key, key or ""), message)
            errors.extend(rejected.errors)
            error_rows |= rejected.error_rows
            if all_or_nothing:
                raise _Abort from None
            rows = [row for index, row in enumerate(rows) if index not in exc.errors]
            if not rows:
                return ImportCounts()
    raise _Abort


# Export ------------------------------------------------------------------------------------


@dataclass
class ExportPlan:
    kind: KindSpec
    layout: ExcelLayout
    columns: list[LayoutColumn]
    personal_titles: list[str]

    @property
    def needs_reason(self) -> bool:
        return bool(self.personal_titles)


def export_plan(*, kind: str, layout: ExcelLayout | None = None) -> ExportPlan:
    spec = get_kind(kind)
    layout, columns = layout_columns(kind=kind, layout=layout)
    problems = validate_columns(kind, columns)
    if problems:
        raise ExportRefused(" ".join(problems))
    personal = [column.title for column in columns if spec.fields[column.field].personal]
    return ExportPlan(kind=spec, layout=layout, columns=columns, personal_titles=personal)


def spreadsheet_export(
    *,
    kind: str,
    objects: Iterable[Any],
    user,
    layout: ExcelLayout | None = None,
    reason: str = "",
    description: str = "",
    ip: str | None = None,
    fmt: str = "xlsx",
    filename: str = "",
) -> ExportFile:
    """Write ``objects`` in the layout's columns; personal data needs the right, a reason, and is logged.

    Returns an ExportFile; ``.response()`` streams it (FileResponse) and deletes it afterwards.
    """
    plan = export_plan(kind=kind, layout=layout)
    reason = (reason or "").strip()
    if plan.needs_reason:
        if not user_has_area_right(user, plan.kind.area, "pii"):
            raise PermissionDenied(_("You may not download personal data of this list."))
        if not reason:
            raise ExportRefused(
                _("This layout contains personal data (%(titles)s): enter the reason for the download.")
                % {"titles": ", ".join(plan.personal_titles)}
            )
    specs = [plan.kind.fields[column.field] for column in plan.columns]
    writer_columns = [
        WriterColumn(column.title, item.type, item.width) for column, item in zip(plan.columns, specs, strict=True)
    ]
    rows = ([item.value_of(obj) for item in specs] for obj in objects)
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M")
    result = export_file(writer_columns, rows, filename=filename or f"{plan.layout.name}_{stamp}", fmt=fmt)
    if plan.needs_reason:
        PersonalDataDownload.objects.create(
            user=user if getattr(user, "pk", None) else None,
            username=(user.get_username() if getattr(user, "pk", None) else "")[:150],
            kind=kind,
            layout_name=plan.layout.name[:100],
            description=(description or "")[:500],
            personal_fields=", ".join(plan.personal_titles)[:500],
            file_format=fmt,
            rows=result.rows,
            reason=reason[:500],
            ip=ip,
        )
    return result
