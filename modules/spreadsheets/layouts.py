"""The registry of spreadsheet kinds and the fields each kind offers to an Excel layout.

A *kind* is one kind of file the seller downloads or uploads (주문 목록, 배송대상 송장 목록, SKU 상품
목록, 채널 상품 목록, …). Each kind declares its *fields*: a stable key, the default column title
written in files, the value type (which picks the cell parser and the writer's format), whether
an upload must have it, and whether it holds personal data (which makes every download of a
layout containing it logged, with a reason).

Other modules register their kinds' real fields from their ``AppConfig.ready()``::

    from modules.spreadsheets.layouts import FieldSpec, register_fields, register_importer
    from modules.spreadsheets.cells import ValueType

    register_fields("sku_list", [
        FieldSpec("seller_code", "판매자상품코드", ValueType.TEXT, required=True, getter=lambda sku: sku.code),
        ...
    ], replace=True)
    register_importer("sku_list", SkuImporter())

Default column titles are Korean literals on purpose: they are a file format, not UI text, and must
not change with the user's language, or a file downloaded in English would not upload again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cells import ValueType, parser_for

if TYPE_CHECKING:
    from .importers import Importer


@dataclass(frozen=True)
class FieldSpec:
    key: str
    title: str  # default column title (Korean, stable)
    type: ValueType = ValueType.TEXT
    required: bool = False  # an upload must have this column and a value in every row
    personal: bool = False  # personal data (names, phones, addresses): downloads are logged
    parser: Callable[[Any], Any] | None = None  # default: the parser of ``type``
    getter: Callable[[Any], Any] | None = None  # export: object -> value (default: attribute ``key``)
    help: str | Promise = ""
    width: int | None = None  # export column width in characters (default: from title and values)

    def parse(self, value: Any) -> Any:
        return (self.parser or parser_for(self.type))(value)

    def value_of(self, obj: Any) -> Any:
        if self.getter is not None:
            return self.getter(obj)
        if isinstance(obj, dict):
            return obj.get(self.key)
        return getattr(obj, self.key, None)


@dataclass
class KindSpec:
    key: str
    label: str | Promise
    area: str  # menu area whose rights guard upload and download (modules.accounts.areas)
    key_fields: tuple[str, ...] = ()  # fields that identify a row: duplicates in one file are errors
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    importer: Importer | None = None

    def field(self, key: str) -> FieldSpec:
        return self.fields[key]

    @property
    def required_fields(self) -> list[FieldSpec]:
        return [spec for spec in self.fields.values() if spec.required]

    @property
    def personal_fields(self) -> list[FieldSpec]:
        return [spec for spec in self.fields.values() if spec.personal]


@dataclass(frozen=True)
class LayoutColumn:
    field: str
    title: str


class UnknownKind(LookupError):
    pass


_KINDS: dict[str, KindSpec] = {}


def register_kind(
    key: str, *, label: str | Promise, area: str, key_fields: Iterable[str] = (), replace: bool = False
) -> KindSpec:
    """Declare a kind (idempotent: registering it again updates label, area and key fields)."""
    spec = _KINDS.get(key)
    if spec is None or replace:
        spec = _KINDS[key] = KindSpec(key=key, label=label, area=area, key_fields=tuple(key_fields))
    else:
        spec.label, spec.area, spec.key_fields = label, area, tuple(key_fields) or spec.key_fields
    return spec


def register_fields(kind: str, fields: Iterable[FieldSpec], *, replace: bool = False) -> None:
    """Add fields to ``kind`` in order; ``replace=True`` drops the fields registered before."""
    spec = get_kind(kind)
    if replace:
        spec.fields = {}
    for item in fields:
        spec.fields[item.key] = item


def register_importer(kind: str, importer: Importer) -> None:
    get_kind(kind).importer = importer


def unregister_kind(key: str) -> None:
    """For tests that register a throw-away kind."""
    _KINDS.pop(key, None)


def get_kind(key: str) -> KindSpec:
    try:
        return _KINDS[key]
    except KeyError:
        raise UnknownKind(key) from None


def all_kinds() -> list[KindSpec]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, Any]]:
    """Model field choices (callable, so kinds registered later by other apps appear)."""
    return [(spec.key, spec.label) for spec in _KINDS.values()]


def field_choices() -> list[tuple[Any, list[tuple[str, str]]]]:
    """Grouped choices for the layout editor: one group per kind, values ``kind:field``."""
    return [
        (spec.label, [(f"{spec.key}:{f.key}", f"{f.title}{' *' if f.required else ''}") for f in spec.fields.values()])
        for spec in _KINDS.values()
    ]


def split_field_choice(value: str) -> tuple[str, str]:
    kind, _sep, key = (value or "").partition(":")
    return (kind, key) if key else ("", kind)


def default_columns(kind: str) -> list[LayoutColumn]:
    return [LayoutColumn(f.key, f.title) for f in get_kind(kind).fields.values()]


def normalise_title(title: Any) -> str:
    """How headers are compared: NFKC (full-width → ASCII), no spaces, case-folded, no '*' marks."""
    text = unicodedata.normalize("NFKC", str(title or "")).casefold()
    text = "".join(text.split())
    return text.strip("*").strip()


def validate_columns(kind: str, columns: list[LayoutColumn], *, for_import: bool = False) -> list[str]:
    """Problems with a layout's columns as messages for the user; an empty list means valid."""
    try:
        spec = get_kind(kind)
    except UnknownKind:
        return [_("Unknown layout kind “%(kind)s”.") % {"kind": kind}]
    errors = []
    if not columns:
        errors.append(_("A layout needs at least one column."))
    seen_fields: set[str] = set()
    seen_titles: dict[str, str] = {}
    for column in columns:
        if column.field not in spec.fields:
            errors.append(_("“%(field)s” is not a field of %(kind)s.") % {"field": column.field, "kind": spec.label})
            continue
        if column.field in seen_fields:
            errors.append(_("The field “%(title)s” is used twice.") % {"title": spec.fields[column.field].title})
        seen_fields.add(column.field)
        title = normalise_title(column.title)
        if not title:
            errors.append(_("Every column needs a title."))
        elif title in seen_titles:
            errors.append(_("The column title “%(title)s” is used twice.") % {"title": column.title})
        else:
            seen_titles[title] = column.field
    if for_import:
        missing = [f.title for f in spec.required_fields if f.key not in seen_fields]
        if missing:
            errors.append(
                _("This layout cannot be used for uploads: it lacks the required columns %(titles)s.")
                % {"titles": ", ".join(missing)}
            )
    return errors


# The four kinds of PRODUCT.md §2, declared here so that every one of them exists (and in this order) whatever
# the app order. The modules owning a kind register its real fields and importer from their AppConfig.ready()
# (orders: order_list, shipping: invoice_targets, catalog: sku_list, channels: channel_products).
T = ValueType


def _register_builtin_kinds() -> None:
    register_kind("order_list", label=gettext_lazy("Order list"), area="orders", key_fields=("order_no", "line_no"))
    register_kind("invoice_targets", label=gettext_lazy("Invoice target list"), area="shipping", key_fields=())
    register_kind("sku_list", label=gettext_lazy("SKU product list"), area="products", key_fields=("seller_code",))
    register_kind(
        "channel_products",
        label=gettext_lazy("Channel product list"),
        area="products",
        key_fields=("store_name", "channel_product_id"),
    )


_register_builtin_kinds()
