"""Excel layouts (snippet), import jobs with their row errors, and the personal-data download log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from modules.accounts.models import SecurityLogEntry

from .layouts import LayoutColumn, field_choices, get_kind, kind_choices, split_field_choice, validate_columns


class LayoutColumnBlock(blocks.StructBlock):
    field = blocks.ChoiceBlock(choices=field_choices, label=_("Field"))
    title = blocks.CharBlock(
        required=False,
        max_length=100,
        label=_("Column title"),
        help_text=_("Empty: the field's default title."),
    )

    class Meta:
        icon = "table"
        label = _("Column")
        label_format = "{field} {title}"  # the summary shown when a column is collapsed


class ExcelLayout(models.Model):
    """A user-defined column layout (엑셀 양식): which fields, in which order, under which titles."""

    name = models.CharField(_("layout name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices)
    is_default = models.BooleanField(
        _("default layout"), default=False, help_text=_("Used when no layout is chosen for a download or upload.")
    )
    columns = StreamField(
        [("column", LayoutColumnBlock())],
        verbose_name=_("columns"),
        help_text=_(
            "Add, remove and drag columns into the order of the file. Fields marked * are required for uploads."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("is_default"), FieldPanel("columns")]

    class Meta:
        verbose_name = _("Excel layout")
        verbose_name_plural = _("Excel layouts")
        ordering = ["kind", "-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="excellayout_kind_name")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def columns_value(kind: str, columns: list[LayoutColumn] | list[dict]) -> list[tuple[str, dict]]:
        """StreamField value for ``columns`` (LayoutColumn or {field, title} dicts) of ``kind``."""
        value = []
        for column in columns:
            item = (
                column if isinstance(column, LayoutColumn) else LayoutColumn(column["field"], column.get("title", ""))
            )
            value.append(("column", {"field": f"{kind}:{item.field}", "title": item.title}))
        return value

    def column_list(self) -> list[LayoutColumn]:
        """The columns in order, each with its title (the field's default title when left empty)."""
        try:
            spec = get_kind(self.kind)
        except LookupError:
            spec = None
        result = []
        for block in self.columns or []:
            _kind, key = split_field_choice(block.value.get("field") or "")
            title = (block.value.get("title") or "").strip()
            if not title and spec is not None and key in spec.fields:
                title = spec.fields[key].title
            result.append(LayoutColumn(key, title))
        return result

    def clean(self) -> None:
        super().clean()
        errors = []
        for block in self.columns or []:
            field_kind, _key = split_field_choice(block.value.get("field") or "")
            if field_kind and field_kind != self.kind:
                errors.append(
                    _("“%(field)s” belongs to another kind of list; choose fields of this layout's kind.")
                    % {"field": block.value.get("field")}
                )
        if not errors:
            errors = validate_columns(self.kind, self.column_list())
        if errors:
            raise ValidationError({"columns": errors})


class ImportJob(models.Model):
    """One upload: the stored file, its dry-run counts, the confirmation and the result."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to check")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked: waiting for confirmation")
        IMPORT_QUEUED = "import_queued", _("Waiting to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ALL = "all", _("All rows or nothing")
        VALID_ONLY = "valid_only", _("Valid rows only")

    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices)
    layout = models.ForeignKey(
        ExcelLayout, verbose_name=_("layout"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    layout_name = models.CharField(_("layout name"), max_length=100, blank=True)
    columns = models.JSONField(_("columns"), default=list)  # [{field, title}] as at upload time
    file = models.FileField(_("file"), upload_to="spreadsheets/imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(_("import mode"), max_length=20, choices=Mode.choices, blank=True)
    background = models.BooleanField(_("in the background"), default=False)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    would_create = models.PositiveIntegerField(_("would create"), default=0)
    would_update = models.PositiveIntegerField(_("would update"), default=0)
    would_leave = models.PositiveIntegerField(_("would leave unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped rows"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel upload")
        verbose_name_plural = _("Excel uploads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def valid_rows(self) -> int:
        return self.would_create + self.would_update + self.would_leave

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    def column_list(self) -> list[LayoutColumn]:
        return [LayoutColumn(item["field"], item["title"]) for item in self.columns]


RUNNING_STATUSES = frozenset(
    {
        ImportJob.Status.QUEUED,
        ImportJob.Status.VALIDATING,
        ImportJob.Status.IMPORT_QUEUED,
        ImportJob.Status.IMPORTING,
    }
)


class ImportRowError(models.Model):
    """One problem in one row: the row number and column title as the user sees them in Excel."""

    wagtail_reference_index_ignore = True

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="importrowerror_job_row")]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"


class PersonalDataDownload(SecurityLogEntry):
    """개인정보 다운로드 기록: every export of a layout holding personal data, with its reason.

    Who, when and from where come from the log base of the login and access logs."""

    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices)
    layout_name = models.CharField(_("layout"), max_length=100, blank=True)
    description = models.CharField(_("what"), max_length=500, blank=True, help_text=_("Filter or selection exported."))
    personal_fields = models.CharField(_("personal data columns"), max_length=500, blank=True)
    file_format = models.CharField(_("format"), max_length=10, default="xlsx")
    rows = models.PositiveIntegerField(_("rows"), default=0)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta(SecurityLogEntry.Meta):
        verbose_name = _("personal data download")
        verbose_name_plural = _("personal data downloads")
        indexes = [models.Index(fields=["username", "-created_at"], name="piidownload_user_time")]

    def __str__(self) -> str:
        return f"{self.username} {self.layout_name} {self.rows}"
