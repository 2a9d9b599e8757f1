"""The importer interface: what a kind's upload does with rows that passed the cell checks.

The pipeline (services.import_*) reads the file, parses every cell with the kind's field specs,
checks required values and duplicate keys, and then hands the rows to the kind's importer in
chunks (``Importer.chunk_size`` rows):

* ``group_key(raw)``: optional; consecutive rows with the same key are never split between chunks.
* ``validate_rows(rows, context)``: business checks that need the database (unknown SKU, closed
  order, …). Return ``{row_number: [(field_key, message), …]}``; rows named there are error rows.
  It may also normalise ``row.values`` in place (e.g. a canonical IP address).
* ``preview(values, context)``: the dry run. Count what ``apply`` would create / update / leave
  unchanged. It must not write.
* ``apply(values, context)``: write the rows (bulk), return the counts. It runs inside the
  pipeline's transaction (one savepoint per chunk); raise :class:`RowsRejected` with the indexes
  (in ``values``) of rows found bad at write time: the chunk is rolled back, and written again
  without them in "valid rows only" mode (all-or-nothing mode stops and writes nothing).

``values`` are dicts ``{field_key: parsed value}`` holding only the layout's columns, so a layout
without a column leaves that attribute alone on update.

Two ready-made importers cover plain models: :class:`UpsertImporter` (models with a content digest
column, through ``modules.core.upsert.upsert_by_key``: one SELECT, one bulk INSERT, one bulk
UPDATE per chunk) and :class:`ModelImporter` (any model with a unique key field; compares values).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import cached_property

from modules.core.upsert import content_digest, upsert_by_key

if TYPE_CHECKING:
    from .layouts import KindSpec


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class ImportRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, Any]


@dataclass
class ImportContext:
    kind: KindSpec
    user: Any = None
    job: Any = None  # the ImportJob, when run by the pipeline
    options: dict[str, Any] = field(default_factory=dict)


class RowsRejected(Exception):
    """Raised by ``apply``: ``errors`` maps an index in the ``values`` given to [(field_key, message)]."""

    def __init__(self, errors: dict[int, list[tuple[str, str]]]):
        super().__init__(f"{len(errors)} rows rejected")
        self.errors = errors


class Importer:
    chunk_size = 1000

    def group_key(self, raw: dict[str, Any]) -> Any:
        """Rows next to each other with the same non-None key stay in one chunk (e.g. the SKU rows of one
        product), so a chunk may run past ``chunk_size`` to the end of a group. ``raw`` holds the cell values
        as read, before parsing; the default (None) lets chunks end anywhere."""
        return None

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext) -> dict[int, list[tuple[str, str]]]:
        return {}

    def preview(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        raise NotImplementedError

    def apply(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        raise NotImplementedError


class _MappedImporter(Importer):
    def __init__(
        self,
        model: type[models.Model],
        *,
        key_field: str,
        field_map: dict[str, str] | None = None,
        scope: dict[str, Any] | Callable[[ImportContext], dict[str, Any]] | None = None,
    ):
        self.model = model
        self.field_map = field_map or {}
        self.key_field = key_field  # the spreadsheet field key holding the natural key
        self.scope = scope

    def model_field(self, key: str) -> str:
        return self.field_map.get(key, key)

    def scope_for(self, context: ImportContext) -> dict[str, Any]:
        if callable(self.scope):
            return self.scope(context)
        return dict(self.scope or {})

    def model_rows(self, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows renamed to model fields; a blank cell becomes "" (text) or the default of a NOT NULL field."""
        rows = []
        for row in values:
            mapped = {}
            for key, value in row.items():
                name = self.model_field(key)
                if value is None and name in self._blank_values:
                    value = self._blank_values[name]()
                mapped[name] = value
            rows.append(mapped)
        return rows

    @cached_property
    def _blank_values(self) -> dict[str, Callable[[], Any]]:
        blanks: dict[str, Callable[[], Any]] = {}
        for model_field in self.model._meta.concrete_fields:
            if model_field.null:
                continue
            if model_field.empty_strings_allowed and not model_field.is_relation:
                blanks[model_field.name] = str
            elif model_field.has_default():
                blanks[model_field.name] = model_field.get_default
        return blanks

    @property
    def model_key(self) -> str:
        return self.model_field(self.key_field)


class UpsertImporter(_MappedImporter):
    """Bulk upsert by natural key with a content digest (``modules.core.upsert.upsert_by_key``)."""

    def __init__(self, model, *, key_field, field_map=None, scope=None, hash_field: str = "content_hash"):
        super().__init__(model, key_field=key_field, field_map=field_map, scope=scope)
        self.hash_field = hash_field

    def preview(self, values, *, context):
        rows = self.model_rows(values)
        scope = self.scope_for(context)
        by_key = {str(row[self.model_key]): row for row in rows}
        existing = dict(
            self.model._default_manager.filter(**scope, **{f"{self.model_key}__in": list(by_key)})
            .order_by()
            .values_list(self.model_key, self.hash_field)
        )
        existing = {str(key): digest for key, digest in existing.items()}
        counts = ImportCounts()
        for key, row in by_key.items():
            if key not in existing:
                counts.created += 1
            elif existing[key] == content_digest(row):
                counts.unchanged += 1
            else:
                counts.updated += 1
        return counts

    def apply(self, values, *, context):
        result = upsert_by_key(
            self.model,
            scope=self.scope_for(context),
            key_field=self.model_key,
            rows=self.model_rows(values),
            hash_field=self.hash_field,
        )
        return ImportCounts(created=result.created, updated=result.updated, unchanged=result.unchanged)


class ModelImporter(_MappedImporter):
    """Insert or update by a unique key field, comparing the given values (no digest column needed)."""

    def _plan(self, values, context):
        rows = self.model_rows(values)
        scope = self.scope_for(context)
        keys = [row[self.model_key] for row in rows]
        existing = {
            getattr(obj, self.model_key): obj
            for obj in self.model._default_manager.filter(**scope, **{f"{self.model_key}__in": keys})
        }
        to_create, to_update, unchanged = [], [], 0
        fields: set[str] = set()
        for row in rows:
            obj = existing.get(row[self.model_key])
            if obj is None:
                to_create.append(self.model(**scope, **row))
                continue
            changed = [name for name, value in row.items() if getattr(obj, name) != value]
            if not changed:
                unchanged += 1
                continue
            for name in changed:
                setattr(obj, name, row[name])
            fields.update(changed)
            to_update.append(obj)
        return to_create, to_update, sorted(fields), unchanged

    def preview(self, values, *, context):
        to_create, to_update, _fields, unchanged = self._plan(values, context)
        return ImportCounts(created=len(to_create), updated=len(to_update), unchanged=unchanged)

    def apply(self, values, *, context):
        to_create, to_update, fields, unchanged = self._plan(values, context)
        if to_create:
            self.model._default_manager.bulk_create(to_create, batch_size=500)
        if to_update:
            self.model._default_manager.bulk_update(to_update, fields, batch_size=500)
        return ImportCounts(created=len(to_create), updated=len(to_update), unchanged=unchanged)
