"""Channel product migration (상품 가져오기 / 마이그레이션) from the channel's own Excel export.

A seller who already sells on a marketplace downloads the product list from the partner centre
(위메프 파트너 2.0 상품조회 and, separately, 딜 조회; 11번가 셀러오피스 상품조회; 쿠팡 WING 상품목록) and
uploads it here for one store:

1. :func:`migration_parse` reads the file safely (the Excel engine's checks: size, zip bombs,
   passwords, row limit), finds the header row among the first rows, recognises which export it
   is by its column titles (:func:`recognize`), refuses a file that belongs to another
   marketplace than the store's, and parses the rows into channel-neutral
   :class:`ChannelProduct` objects (rows of one product grouped; options with their ids and seller
   codes where the export has them; per-row errors with row number, column and message).
2. :func:`migration_preview` tells, for the store, which products are already linked (a listing
   with that channel product number exists and points at our products) and, for the others, the
   SKU or product whose seller code equals the channel's seller code. A fixed number of queries
   whatever the number of rows (one per 5,000 codes of a kind).
3. :func:`migration_import` imports the selected products, each in its own transaction:
   "link SKU" creates the listing (채널상품) linked to the matched product with its options pointing
   at the matched SKUs; otherwise a new catalog product with SKUs is made from the channel data
   through the catalog services (their rules, their Korean messages) and linked. Products already
   linked are skipped and counted, so a re-run changes nothing. Listings are upserted by
   (store, channel product number): a listing pulled from the channel but not linked yet is
   completed, not duplicated.

Between the upload and the import the parsed file waits in the cache under a random token bound
to the user and the store (:func:`migration_stage`); the import reads it from there, never from
the form.

[U] THE COLUMN TITLES OF THE FOUR EXPORTS (FORMATS below) ARE DESIGNED, NOT COPIED FROM REAL FILES.
Our references do not hold the partner centres' download layouts, so the titles were written the
way those centres name things (상품번호, 업체상품코드, 딜번호, 등록상품ID, 옵션ID …) and the samples in
fixtures/spreadsheets/ follow them. Check them against a real download of each centre and adjust
the titles (or add aliases) here and in fixtures/spreadsheets/make_samples.py.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.channels.base import ListingState, Marketplace
from modules.catalog.models import SKU, Category, OptionGroup, Product, SkuStatus
from modules.catalog.services import SkuEdit, product_create, product_update
from modules.catalog.validators import MAX_COMBINATIONS, combination_count, validate_product_seller_code
from modules.spreadsheets.cells import CellError, ValueType, is_blank, parser_for
from modules.spreadsheets.layouts import normalise_title
from modules.spreadsheets.reader import SpreadsheetError, header_scan_rows, load_bytes, max_rows, open_sheet

from .models import MARKETPLACE_LABELS, Listing, ListingOption, Store

logger = logging.getLogger("jangteo.channels.migration")

T = ValueType

# The manufacturer of a product created from channel data when the export has neither maker nor
# brand: the phrase Korean listings use for "stated on the detail page". Products are created in
# "preparing" state, so the seller completes them before they go anywhere.
MAKER_FALLBACK = "상세페이지 참조"
# Names of generated option groups when the export gives values only (쿠팡 "S/화이트").
OPTION_GROUP_FALLBACK = "옵션"

STAGE_PREFIX = "channels:migration:"
STAGE_TTL = 3 * 3600
IN_CHUNK = 5_000


class MigrationRefused(Exception):
    """The file or the request cannot be used; ``str(exc)`` is the message for the user."""

    def __init__(self, message: str, *, code: str = "refused", **details: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


# ---------------------------------------------------------------------------------------------
# Export formats
# ---------------------------------------------------------------------------------------------

# Neutral field keys.
PRODUCT_ID = "product_id"
DISPLAY_ID = "display_id"
NAME = "name"
SELLER_CODE = "seller_code"
SALE_PRICE = "sale_price"
MARKET_PRICE = "market_price"
STOCK = "stock"
STATUS = "status"
APPROVAL = "approval"
CATEGORY = "category"
BRAND = "brand"
MAKER = "maker"
SALE_START = "sale_start"
SALE_END = "sale_end"
HAS_OPTIONS = "has_options"
OPTION_ID = "option_id"
OPTION_NAME = "option_name"  # the group name(s): 색상, or 색상/사이즈
OPTION_VALUE = "option_value"  # the value(s): 화이트, or 화이트/S
OPTION_TEXT = "option_text"  # values only in one cell: S/화이트 (쿠팡 옵션명), or a deal item's option
OPTION_SPEC = "option_spec"  # 11번가: every option of the product in one cell, "색상:화이트,블랙" per line
OPTION_EXTRA = "option_extra"
OPTION_PRICE = "option_price"
OPTION_STOCK = "option_stock"
OPTION_STATUS = "option_status"
OPTION_SELLER_CODE = "option_seller_code"
ITEM_PRODUCT_ID = "item_product_id"  # deals: the product number of the included product
ITEM_NAME = "item_name"

# Longest values our listing columns hold.
MAX_LENGTHS = {PRODUCT_ID: 50, OPTION_ID: 50, ITEM_PRODUCT_ID: 40, SELLER_CODE: 100, OPTION_SELLER_CODE: 100, NAME: 100}


@dataclass(frozen=True)
class Column:
    field: str
    titles: tuple[str, ...]  # the title in the export first, then accepted variants
    type: ValueType = T.TEXT
    required: bool = False  # the header must have it for the export to be recognised

    @property
    def title(self) -> str:
        return self.titles[0]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    marketplace: str
    label: Any
    columns: tuple[Column, ...]
    is_deal: bool = False

    @property
    def required_titles(self) -> list[str]:
        return [column.title for column in self.columns if column.required]

    @property
    def titles(self) -> list[str]:
        return [column.title for column in self.columns]


def _c(field_key: str, *titles: str, type: ValueType = T.TEXT, required: bool = False) -> Column:  # noqa: A002
    return Column(field_key, titles, type, required)


# [U] designed titles; see the module docstring.
FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        key="wemakeprice_products",
        marketplace=Marketplace.WEMAKEPRICE.value,
        label=gettext_lazy("WeMakePrice product list (상품조회)"),
        columns=(
            _c(PRODUCT_ID, "상품번호", required=True),
            _c(NAME, "상품명", required=True),
            _c(SELLER_CODE, "업체상품코드", "판매자상품코드", "자체상품코드", required=True),
            _c(APPROVAL, "상품상태"),
            _c(STATUS, "판매상태"),
            _c(MARKET_PRICE, "정가", "시중가", type=T.MONEY),
            _c(SALE_PRICE, "판매가", type=T.MONEY, required=True),
            _c(STOCK, "재고수량", "재고", type=T.INT),
            _c(HAS_OPTIONS, "옵션사용여부", type=T.BOOL),
            _c(OPTION_ID, "옵션번호"),
            _c(OPTION_NAME, "옵션명"),
            _c(OPTION_VALUE, "옵션값"),
            _c(OPTION_EXTRA, "옵션추가금액", "옵션가", type=T.MONEY),
            _c(OPTION_STOCK, "옵션재고수량", "옵션재고", type=T.INT),
            _c(OPTION_STATUS, "옵션판매상태"),
            _c(OPTION_SELLER_CODE, "옵션업체상품코드", "옵션판매자상품코드"),
            _c(CATEGORY, "카테고리"),
            _c(BRAND, "브랜드"),
            _c(MAKER, "제조사"),
            _c(SALE_START, "판매시작일", type=T.DATETIME),
            _c(SALE_END, "판매종료일", type=T.DATETIME),
        ),
    ),
    ExportFormat(
        key="wemakeprice_deals",
        marketplace=Marketplace.WEMAKEPRICE.value,
        label=gettext_lazy("WeMakePrice deal list (딜 조회)"),
        is_deal=True,
        columns=(
            _c(PRODUCT_ID, "딜번호", required=True),
            _c(NAME, "딜명", required=True),
            _c(STATUS, "딜상태", "판매상태"),
            _c(SALE_START, "판매시작일", type=T.DATETIME),
            _c(SALE_END, "판매종료일", type=T.DATETIME),
            _c(SALE_PRICE, "대표가격", "딜가격", type=T.MONEY),
            _c(MARKET_PRICE, "정가", type=T.MONEY),
            _c(ITEM_PRODUCT_ID, "포함 상품번호", "상품번호", required=True),
            _c(ITEM_NAME, "포함 상품명", "상품명"),
            _c(OPTION_ID, "옵션번호"),
            _c(OPTION_TEXT, "옵션명"),
            _c(OPTION_SELLER_CODE, "업체상품코드", "판매자상품코드"),
            _c(OPTION_PRICE, "판매가", type=T.MONEY),
            _c(OPTION_STOCK, "재고수량", "재고", type=T.INT),
        ),
    ),
    ExportFormat(
        key="elevenst_products",
        marketplace=Marketplace.ELEVENST.value,
        label=gettext_lazy("11st product list (상품조회)"),
        columns=(
            _c(PRODUCT_ID, "상품번호", required=True),
            _c(SELLER_CODE, "판매자상품코드", "셀러상품코드", required=True),
            _c(NAME, "상품명", required=True),
            _c(STATUS, "판매상태"),
            _c(CATEGORY, "전시카테고리", "카테고리"),
            _c(SALE_PRICE, "판매가", type=T.MONEY, required=True),
            _c(MARKET_PRICE, "정가", type=T.MONEY),
            _c(STOCK, "재고수량", "재고", type=T.INT),
            _c(HAS_OPTIONS, "옵션여부", type=T.BOOL),
            _c(OPTION_SPEC, "옵션", "옵션정보"),
            _c(BRAND, "브랜드"),
            _c(MAKER, "제조사"),
            _c(SALE_START, "판매시작일", type=T.DATETIME),
            _c(SALE_END, "판매종료일", type=T.DATETIME),
        ),
    ),
    ExportFormat(
        key="coupang_products",
        marketplace=Marketplace.COUPANG.value,
        label=gettext_lazy("Coupang product download (WING 상품목록)"),
        columns=(
            _c(PRODUCT_ID, "등록상품ID", required=True),
            _c(DISPLAY_ID, "노출상품ID"),
            _c(OPTION_ID, "옵션ID", required=True),
            _c(OPTION_SELLER_CODE, "업체상품코드", "판매자상품코드"),
            _c(NAME, "등록상품명", required=True),
            _c(OPTION_TEXT, "옵션명"),
            _c(OPTION_PRICE, "판매가격", type=T.MONEY, required=True),
            _c(MARKET_PRICE, "할인율기준가", "정가", type=T.MONEY),
            _c(OPTION_STOCK, "재고수량", "재고", type=T.INT),
            _c(OPTION_STATUS, "판매상태"),
            _c(APPROVAL, "승인상태"),
            _c(CATEGORY, "카테고리"),
            _c(BRAND, "브랜드"),
            _c(MAKER, "제조사"),
            _c(SALE_START, "판매시작일", type=T.DATETIME),
            _c(SALE_END, "판매종료일", type=T.DATETIME),
        ),
    ),
)
FORMATS_BY_KEY = {fmt.key: fmt for fmt in FORMATS}
# Values that describe the product, not one of its option rows: taken from the product's first row.
PRODUCT_FIELDS = (NAME, SELLER_CODE, DISPLAY_ID, STATUS, APPROVAL, CATEGORY, BRAND, MAKER, SALE_START, SALE_END)

# Sale status words of the partner centres -> listing state. Compared without spaces.
_STATES = {
    "판매중": ListingState.ON_SALE,
    "판매": ListingState.ON_SALE,
    "전시중": ListingState.ON_SALE,
    "판매대기": ListingState.PENDING_APPROVAL,
    "승인대기": ListingState.PENDING_APPROVAL,
    "승인요청": ListingState.PENDING_APPROVAL,
    "심사중": ListingState.PENDING_APPROVAL,
    "검수중": ListingState.PENDING_APPROVAL,
    "판매중지": ListingState.SUSPENDED,
    "일시중지": ListingState.SUSPENDED,
    "판매일시중지": ListingState.SUSPENDED,
    "전시중지": ListingState.SUSPENDED,
    "품절": ListingState.SOLD_OUT,
    "일시품절": ListingState.SOLD_OUT,
    "판매종료": ListingState.ENDED,
    "판매완료": ListingState.ENDED,
    "종료": ListingState.ENDED,
    "삭제": ListingState.ENDED,
    "승인반려": ListingState.REJECTED,
    "반려": ListingState.REJECTED,
    "임시저장": ListingState.DRAFT,
}
# Approval words (위메프 상품상태, 쿠팡 승인상태) that decide the state whatever the sale status says.
_APPROVAL_STATES = {
    "승인대기": ListingState.PENDING_APPROVAL,
    "승인요청": ListingState.PENDING_APPROVAL,
    "심사중": ListingState.PENDING_APPROVAL,
    "검수중": ListingState.PENDING_APPROVAL,
    "승인반려": ListingState.REJECTED,
    "반려": ListingState.REJECTED,
    "임시저장": ListingState.DRAFT,
}


def state_of(status: str | None, approval: str | None = None) -> str:
    """The listing state for the export's sale status (and approval status, when it has one)."""
    approval_key = "".join((approval or "").split())
    if approval_key in _APPROVAL_STATES:
        return _APPROVAL_STATES[approval_key].value
    key = "".join((status or "").split())
    if not key:
        return ListingState.UNKNOWN.value
    return _STATES.get(key, ListingState.UNKNOWN).value


def _on_sale(status: str | None) -> bool | None:
    if not status:
        return None
    return state_of(status) == ListingState.ON_SALE.value


# ---------------------------------------------------------------------------------------------
# Channel-neutral products
# ---------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ChannelOption:
    option_id: str = ""
    seller_code: str = ""
    names: list[str] = field(default_factory=list)  # option group names, when the export has them
    values: list[str] = field(default_factory=list)  # one value per group
    text: str = ""  # as the channel shows it
    extra_price: int | None = None
    price: int | None = None
    stock: int | None = None
    status: str = ""
    on_sale: bool | None = None
    item_product_id: str = ""  # deals: the included product
    row: int = 0

    @property
    def label(self) -> str:
        """Compared with SKU.option_label ("화이트/S")."""
        return "/".join(self.values) if self.values else self.text

    @property
    def key(self) -> str:
        return self.option_id or f"{self.item_product_id}|{self.seller_code}|{self.label}"


@dataclass
class ChannelProduct:
    product_id: str
    name: str = ""
    seller_code: str = ""
    display_id: str = ""
    sale_price: int | None = None
    market_price: int | None = None
    stock: int | None = None
    status: str = ""
    approval: str = ""
    state: str = ListingState.UNKNOWN.value
    category: str = ""
    brand: str = ""
    maker: str = ""
    sale_start: datetime | None = None
    sale_end: datetime | None = None
    is_deal: bool = False
    source_format: str = ""  # the export it was read from (FORMATS key)
    options: list[ChannelOption] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return self.rows[0] if self.rows else 0

    @property
    def codes(self) -> list[str]:
        codes = [self.seller_code] if self.seller_code else []
        return codes + [option.seller_code for option in self.options if option.seller_code]

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("sale_start", "sale_end"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ChannelProduct:
        data = dict(data)
        for key in ("sale_start", "sale_end"):
            data[key] = datetime.fromisoformat(data[key]) if data.get(key) else None
        data["options"] = [ChannelOption(**option) for option in data.get("options") or []]
        data["errors"] = [RowError(**error) for error in data.get("errors") or []]
        return cls(**data)


@dataclass
class ParsedExport:
    format_key: str
    file_name: str
    header_row: int
    products: list[ChannelProduct]
    errors: list[RowError] = field(default_factory=list)  # rows that belong to no product
    data_rows: int = 0
    found_titles: list[str] = field(default_factory=list)

    @property
    def format(self) -> ExportFormat:
        return FORMATS_BY_KEY[self.format_key]

    @property
    def is_deal(self) -> bool:
        return self.format.is_deal

    def product(self, product_id: str) -> ChannelProduct | None:
        return next((p for p in self.products if p.product_id == product_id), None)

    def to_dict(self) -> dict:
        return {
            "format_key": self.format_key,
            "file_name": self.file_name,
            "header_row": self.header_row,
            "products": [product.to_dict() for product in self.products],
            "errors": [asdict(error) for error in self.errors],
            "data_rows": self.data_rows,
            "found_titles": list(self.found_titles),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedExport:
        return cls(
            format_key=data["format_key"],
            file_name=data["file_name"],
            header_row=data["header_row"],
            products=[ChannelProduct.from_dict(item) for item in data["products"]],
            errors=[RowError(**error) for error in data.get("errors") or []],
            data_rows=data.get("data_rows", 0),
            found_titles=list(data.get("found_titles") or []),
        )


# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------


@dataclass
class Recognition:
    format: ExportFormat
    header_index: int  # index of the header in the rows given
    mapping: dict[int, Column]  # sheet column -> column
    titles: dict[str, str]  # field -> the title as written in the file
    found_titles: list[str]


def _title_index(fmt: ExportFormat) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in fmt.columns:
        for title in column.titles:
            index.setdefault(normalise_title(title), column)
    return index


def _cell_title(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _match_row(fmt: ExportFormat, row: list[Any]) -> tuple[dict[int, Column], dict[str, str]]:
    """Columns of ``fmt`` found in ``row``: exact titles first, so that "상품번호" goes to the field
    whose title it is even when it is another field's variant too (딜: 포함 상품번호 / 상품번호)."""
    cells = [(col, _cell_title(cell), normalise_title(cell)) for col, cell in enumerate(row) if not is_blank(cell)]
    mapping: dict[int, Column] = {}
    titles: dict[str, str] = {}
    for rank in range(max(len(column.titles) for column in fmt.columns)):
        for column in fmt.columns:
            if column.field in titles or rank >= len(column.titles):
                continue
            wanted = normalise_title(column.titles[rank])
            for col, text, norm in cells:
                if col not in mapping and norm == wanted:
                    mapping[col] = column
                    titles[column.field] = text
                    break
    return mapping, titles


def recognize(rows: list[list[Any]], *, marketplace: str | None = None) -> Recognition:
    """Which export the header (found among ``rows``, the first rows of the sheet) belongs to.

    A format fits when its required titles are all in one row; among those that fit, the one that
    knows most of the row's titles wins, and on a tie the one of ``marketplace`` (the chosen
    store's). Nothing fitting raises one message with what each export expects and what the file has.
    """
    best: dict[str, tuple[tuple[int, int], Recognition]] = {}
    for index, row in enumerate(rows):
        for fmt in FORMATS:
            mapping, titles = _match_row(fmt, row)
            if not all(column.field in titles for column in fmt.columns if column.required):
                continue
            score = (len(mapping), -index)
            if fmt.key not in best or score > best[fmt.key][0]:
                found = [_cell_title(cell) for cell in row if not is_blank(cell)]
                best[fmt.key] = (score, Recognition(fmt, index, mapping, titles, found))
    if best:
        top = max(score for score, _found in best.values())
        leaders = [found for score, found in best.values() if score == top]
        if len(leaders) > 1 and marketplace:
            leaders = [found for found in leaders if found.format.marketplace == str(marketplace)] or leaders
        if len(leaders) == 1:
            return leaders[0]
        raise MigrationRefused(
            _("The columns fit more than one export (%(formats)s). Upload the file as the partner centre made it.")
            % {"formats": ", ".join(str(found.format.label) for found in leaders)},
            code="ambiguous_format",
        )
    found = _best_header_guess(rows)
    expected = "; ".join(f"{fmt.label}: {', '.join(fmt.required_titles)}" for fmt in FORMATS)
    raise MigrationRefused(
        _(
            "This file is not a product export we know. Expected the columns of one of these exports: "
            "%(expected)s. Found: %(found)s."
        )
        % {"expected": expected, "found": ", ".join(found) or "—"},
        code="unknown_format",
        found=found,
    )


def _best_header_guess(rows: list[list[Any]]) -> list[str]:
    """The titles of the row that looks most like a header: the one with most text cells."""
    best: list[str] = []
    for row in rows:
        titles = [_cell_title(cell) for cell in row if isinstance(cell, str) and not is_blank(cell)]
        if len(titles) > len(best):
            best = titles
    return best


def formats_for(marketplace: str) -> list[ExportFormat]:
    return [fmt for fmt in FORMATS if fmt.marketplace == str(marketplace)]


def check_store_format(*, store: Store, fmt: ExportFormat) -> None:
    if fmt.marketplace == store.marketplace:
        return
    own = formats_for(store.marketplace)
    file_market = MARKETPLACE_LABELS.get(Marketplace(fmt.marketplace), fmt.marketplace)
    if own:
        hint = _("Upload one of these exports of the store: %(formats)s.") % {
            "formats": ", ".join(str(item.label) for item in own)
        }
    else:
        hint = _("Products of %(marketplace)s cannot be imported from an Excel export yet.") % {
            "marketplace": store.get_marketplace_display()
        }
    raise MigrationRefused(
        _(
            "This file is a %(format)s (%(file_marketplace)s), but the store “%(store)s” is on "
            "%(store_marketplace)s. Choose a %(file_marketplace)s store, or upload this store's own export. %(hint)s"
        )
        % {
            "format": fmt.label,
            "file_marketplace": file_market,
            "store": store.name,
            "store_marketplace": store.get_marketplace_display(),
            "hint": hint,
        },
        code="wrong_marketplace",
    )


# ---------------------------------------------------------------------------------------------
# Parsing rows
# ---------------------------------------------------------------------------------------------


def _read_row(
    row: list[Any], mapping: dict[int, Column], titles: dict[str, str], row_no: int
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    width = len(row)
    for col, column in mapping.items():
        raw = row[col] if col < width else None
        try:
            value = parser_for(column.type)(raw)
        except CellError as exc:
            errors.append(RowError(row_no, titles[column.field], str(exc)))
            continue
        if column.type in (T.MONEY, T.INT) and column.field != OPTION_EXTRA and value is not None and value < 0:
            errors.append(RowError(row_no, titles[column.field], _("Enter 0 or more.")))
            continue
        limit = MAX_LENGTHS.get(column.field)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.append(
                RowError(
                    row_no,
                    titles[column.field],
                    _("At most %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)},
                )
            )
            continue
        values[column.field] = value
    return values, errors


def _split_pair(names: str, values: str) -> tuple[list[str], list[str]]:
    """위메프 옵션명 "색상/사이즈" + 옵션값 "화이트/S" -> two groups; anything else one group."""
    name_parts = [part.strip() for part in names.split("/")] if names else []
    value_parts = [part.strip() for part in values.split("/")] if values else []
    if names and len(name_parts) == len(value_parts) and all(name_parts) and all(value_parts):
        return name_parts, value_parts
    return ([names] if names else []), ([values] if values else [])


def _options_from_spec(spec: str, row_no: int) -> list[ChannelOption]:
    """11번가 "색상:화이트,블랙" (one group per line or "|"): every combination, no ids or codes.

    Raises CellError when the cell describes more combinations than a product may have.
    """
    groups: list[tuple[str, list[str]]] = []
    for line in re.split(r"[\n|]+", spec):
        line = line.strip()
        if not line:
            continue
        name, sep, values = line.partition(":")
        if not sep:
            name, values = "", name
        items = list(dict.fromkeys(value.strip() for value in values.split(",") if value.strip()))
        if items:
            groups.append((name.strip(), items))
    count = combination_count(values for _name, values in groups)
    if count > MAX_COMBINATIONS:
        raise CellError(
            _("Options: %(count)s combinations; at most %(max)s per product.")
            % {"count": count, "max": MAX_COMBINATIONS}
        )
    names = [name for name, _values in groups]
    options = []
    for combination in itertools.product(*[values for _name, values in groups]) if groups else []:
        values = list(combination)
        text = ", ".join(f"{n}: {v}" if n else v for n, v in zip(names, values, strict=True))
        options.append(
            ChannelOption(names=names if all(names) else [], values=values, text=text, extra_price=0, row=row_no)
        )
    return options


def _row_options(fmt: ExportFormat, values: dict[str, Any], row_no: int) -> list[ChannelOption]:
    if OPTION_SPEC in values:
        return _options_from_spec(values[OPTION_SPEC] or "", row_no)  # CellError: the caller's row error
    option_keys = (OPTION_ID, OPTION_NAME, OPTION_VALUE, OPTION_TEXT, OPTION_SELLER_CODE, ITEM_PRODUCT_ID)
    if not any(values.get(key) for key in option_keys):
        return []
    if values.get(HAS_OPTIONS) is False and not fmt.is_deal:
        return []
    names, option_values = _split_pair(values.get(OPTION_NAME) or "", values.get(OPTION_VALUE) or "")
    text = values.get(OPTION_TEXT) or ""
    if not option_values and text and not fmt.is_deal:
        option_values = [part.strip() for part in text.split("/") if part.strip()]
    if not text:
        text = (
            ", ".join(f"{n}: {v}" for n, v in zip(names, option_values, strict=False))
            if names
            else "/".join(option_values)
        )
    if fmt.is_deal:
        item_name = values.get(ITEM_NAME) or ""
        text = f"{item_name} {text}".strip() if text else item_name
    status = values.get(OPTION_STATUS) or ""
    return [
        ChannelOption(
            option_id=values.get(OPTION_ID) or "",
            seller_code=values.get(OPTION_SELLER_CODE) or "",
            names=names if len(names) == len(option_values) else [],
            values=option_values,
            text=text[:255],
            extra_price=values.get(OPTION_EXTRA),
            price=values.get(OPTION_PRICE),
            stock=values.get(OPTION_STOCK),
            status=status,
            on_sale=_on_sale(status),
            item_product_id=values.get(ITEM_PRODUCT_ID) or "",
            row=row_no,
        )
    ]


def _new_product(fmt: ExportFormat, product_id: str, values: dict[str, Any]) -> ChannelProduct:
    product = ChannelProduct(product_id=product_id, is_deal=fmt.is_deal, source_format=fmt.key)
    for key in PRODUCT_FIELDS:
        value = values.get(key)
        if value is not None:
            setattr(product, key, value)
    product.sale_price = values.get(SALE_PRICE)
    product.market_price = values.get(MARKET_PRICE)
    product.stock = values.get(STOCK)
    return product


def _finish(product: ChannelProduct) -> None:
    """Prices, stock and state of the product from its option rows where the export gives them per option."""
    prices = [option.price for option in product.options if option.price is not None]
    if product.sale_price is None and prices:
        product.sale_price = min(prices)
    base = product.sale_price
    for option in product.options:
        if option.price is None and option.extra_price is not None and base is not None:
            option.price = base + option.extra_price
        if option.extra_price is None and option.price is not None and base is not None and not product.is_deal:
            option.extra_price = option.price - base
    stocks = [option.stock for option in product.options if option.stock is not None]
    if product.stock is None and stocks:
        product.stock = sum(stocks)
    if product.status:
        product.state = state_of(product.status, product.approval)
    else:
        # 쿠팡: a sale status per option; the product is on sale when one option is.
        states = {state_of(option.status) for option in product.options if option.status}
        if ListingState.ON_SALE.value in states:
            status_state = ListingState.ON_SALE.value
        elif states == {ListingState.SOLD_OUT.value}:
            status_state = ListingState.SOLD_OUT.value
        elif len(states) == 1:
            status_state = next(iter(states))
        elif states:
            status_state = ListingState.SUSPENDED.value
        else:
            status_state = ListingState.UNKNOWN.value
        approval_state = state_of(None, product.approval)
        product.state = approval_state if approval_state != ListingState.UNKNOWN.value else status_state
        statuses = ", ".join(sorted({option.status for option in product.options if option.status}))
        product.status = " / ".join(part for part in (product.approval, statuses) if part)
    if product.market_price is not None and base is not None and product.market_price <= base:
        product.market_price = None  # "정가" at or under the sale price means none


def parse_rows(
    fmt: ExportFormat,
    rows: Iterable[list[Any]],
    *,
    mapping: dict[int, Column],
    titles: dict[str, str],
    first_row: int,
) -> tuple[list[ChannelProduct], list[RowError], int]:
    """Rows below the header -> products (rows of one product grouped), errors of rows without a product,
    and the number of non-blank rows."""
    products: dict[str, ChannelProduct] = {}
    orphans: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    count = 0
    id_title = titles[PRODUCT_ID]
    key_titles = ", ".join(titles[key] for key in (PRODUCT_ID, OPTION_ID, ITEM_PRODUCT_ID) if key in titles)
    for offset, row in enumerate(rows):
        row_no = first_row + offset
        if all(is_blank(row[col]) for col in mapping if col < len(row)):
            continue
        count += 1
        values, errors = _read_row(row, mapping, titles, row_no)
        product_id = values.get(PRODUCT_ID)
        if not product_id:
            orphans.extend(errors)
            if not any(error.column == id_title for error in errors):
                orphans.append(RowError(row_no, id_title, _("A value is required.")))
            continue
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = _new_product(fmt, product_id, values)
        product.rows.append(row_no)
        product.errors.extend(errors)
        try:
            options = _row_options(fmt, values, row_no)
        except CellError as exc:
            product.errors.append(RowError(row_no, titles.get(OPTION_SPEC, id_title), str(exc)))
            continue
        keys = [option.key for option in options] or [""]
        duplicate = next((seen[(product_id, key)] for key in keys if (product_id, key) in seen), None)
        if duplicate is not None:
            product.errors.append(
                RowError(
                    row_no,
                    id_title,
                    _("Duplicate row: the same %(titles)s as row %(row)d.") % {"titles": key_titles, "row": duplicate},
                )
            )
            continue
        for key in keys:
            seen[(product_id, key)] = row_no
        product.options.extend(options)
    for product in products.values():
        _finish(product)
    return list(products.values()), orphans, count


def migration_parse(*, source: Any, store: Store, name: str = "") -> ParsedExport:
    """Read an uploaded export for ``store``: safety checks, recognition, the store's marketplace, rows.

    Raises SpreadsheetError (file refused by the Excel engine) or MigrationRefused (unknown export,
    export of another marketplace, no product rows).
    """
    data, name = load_bytes(source, name=name)
    sheet = open_sheet(data, name)
    if sheet.height == 0:
        raise SpreadsheetError(_("The file has no rows."), code="empty")
    head = list(islice(sheet.rows, header_scan_rows()))
    found = recognize(head, marketplace=store.marketplace)
    check_store_format(store=store, fmt=found.format)
    header_row = sheet.first_row + found.header_index
    data_rows = max(0, sheet.height - found.header_index - 1)
    if data_rows > max_rows():
        raise SpreadsheetError(
            _("The file has %(count)s rows; at most %(max)s rows can be uploaded at once. Split it into smaller files.")
            % {"count": f"{data_rows:,}", "max": f"{max_rows():,}"},
            code="too_many_rows",
        )
    rows = chain(head[found.header_index + 1 :], sheet.rows)
    products, errors, count = parse_rows(
        found.format, rows, mapping=found.mapping, titles=found.titles, first_row=header_row + 1
    )
    if not products and not errors:
        raise MigrationRefused(_("The file has a header but no product rows."), code="empty")
    return ParsedExport(
        format_key=found.format.key,
        file_name=name,
        header_row=header_row,
        products=products,
        errors=errors,
        data_rows=count,
        found_titles=found.found_titles,
    )


# ---------------------------------------------------------------------------------------------
# Preview: linked or not, and the match by seller code
# ---------------------------------------------------------------------------------------------


class Match:
    LINKED = "linked"  # a listing with this channel product number exists and is linked
    SKU = "sku"  # every option (or the product) found by SKU seller code
    PRODUCT = "product"  # the product found by its seller code; options by their option text
    PARTIAL = "partial"  # found, but some options match no SKU of the product
    CONFLICT = "conflict"  # codes point at SKUs of different products
    NONE = "none"  # no seller code matches
    ERROR = "error"  # rows with errors


@dataclass
class OptionPair:
    option: ChannelOption | None  # None: the export has no option rows for this product
    sku: SKU | None


@dataclass
class PreviewItem:
    product: ChannelProduct
    match: str
    listing_id: int | None = None  # an existing listing with this channel product number
    linked: bool = False
    catalog_product: Product | None = None
    pairs: list[OptionPair] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    other_listing: str = ""  # the catalog product is already listed on this store under this number

    @property
    def selectable(self) -> bool:
        return not self.linked and not self.product.errors

    @property
    def matched_skus(self) -> list[SKU]:
        return [pair.sku for pair in self.pairs if pair.sku is not None]

    @property
    def error_messages(self) -> list[str]:
        return [
            _("Row %(row)s, %(column)s: %(message)s")
            % {"row": error.row, "column": error.column, "message": error.message}
            for error in self.product.errors
        ]

    @property
    def state_label(self) -> str:
        return str(Listing.State(self.product.state).label) if self.product.state in Listing.State.values else ""


@dataclass
class Preview:
    items: list[PreviewItem]

    def count(self, *matches: str) -> int:
        return sum(1 for item in self.items if item.match in matches)

    @property
    def linked(self) -> int:
        return self.count(Match.LINKED)

    @property
    def not_linked(self) -> int:
        return len(self.items) - self.linked

    @property
    def matched(self) -> int:
        return self.count(Match.SKU, Match.PRODUCT)

    @property
    def unmatched(self) -> int:
        return self.count(Match.NONE)

    @property
    def with_errors(self) -> int:
        return self.count(Match.ERROR)

    @property
    def with_problems(self) -> int:
        return self.count(Match.PARTIAL, Match.CONFLICT)


def _chunks(values: list[str], size: int = IN_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _in_chunks(make_queryset: Callable[[list[str]], Any], values: Iterable[str]) -> list:
    """One query per ``IN_CHUNK`` values (SQLite caps the parameters of one statement)."""
    unique = sorted({value for value in values if value})
    result: list = []
    for chunk in _chunks(unique):
        result.extend(make_queryset(chunk))
    return result


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@dataclass
class _Lookups:
    listings: dict[str, dict]
    skus_by_code: dict[str, SKU]
    products_by_code: dict[str, Product]
    product_skus: dict[int, list[SKU]]
    listed_products: dict[int, str]


def _lookups(store: Store, products: list[ChannelProduct]) -> _Lookups:
    """Everything the matching needs, in a fixed number of queries (one per chunk of codes)."""
    ids = [product.product_id for product in products]
    codes = [code for product in products for code in product.codes]
    linked_option = ListingOption.objects.filter(listing=OuterRef("pk"), sku__isnull=False)
    listings = _in_chunks(
        lambda chunk: (
            Listing.objects.filter(store=store, channel_product_id__in=chunk)
            .annotate(has_sku=Exists(linked_option))
            .values("id", "channel_product_id", "product_id", "has_sku")
        ),
        ids,
    )
    skus = _in_chunks(
        lambda chunk: SKU.objects.filter(seller_code__in=chunk, product__deleted_at__isnull=True).select_related(
            "product"
        ),
        codes,
    )
    catalog_products = _in_chunks(
        lambda chunk: Product.objects.filter(seller_code__in=chunk, deleted_at__isnull=True), codes
    )
    product_ids = {sku.product_id for sku in skus} | {product.pk for product in catalog_products}
    product_skus: dict[int, list[SKU]] = {}
    listed: dict[int, str] = {}
    if product_ids:
        for sku in SKU.objects.filter(product_id__in=product_ids).select_related("product"):
            product_skus.setdefault(sku.product_id, []).append(sku)
        for product_id, number in Listing.objects.filter(store=store, product_id__in=product_ids).values_list(
            "product_id", "channel_product_id"
        ):
            listed[product_id] = number or "—"
    return _Lookups(
        listings={row["channel_product_id"]: row for row in listings},
        skus_by_code={sku.seller_code: sku for sku in skus},
        products_by_code={product.seller_code: product for product in catalog_products},
        product_skus=product_skus,
        listed_products=listed,
    )


def _pair_options(
    product: ChannelProduct, catalog_product: Product, skus: list[SKU], lookups: _Lookups, product_sku: SKU | None
) -> tuple[list[OptionPair], list[str]]:
    """Each channel option with its SKU of ``catalog_product``: by seller code, else by option text."""
    active = [sku for sku in skus if sku.status != SkuStatus.RETIRED]
    by_label = {_norm(sku.option_label): sku for sku in active}
    pairs: list[OptionPair] = []
    problems: list[str] = []
    if not product.options:
        if product_sku is not None:
            return [OptionPair(None, product_sku)], []
        return [OptionPair(None, sku) for sku in active], []
    used: set[int] = set()
    for option in product.options:
        sku = lookups.skus_by_code.get(option.seller_code) if option.seller_code else None
        if sku is not None and sku.product_id != catalog_product.pk:
            sku = None
        if sku is None:
            sku = by_label.get(_norm(option.label)) or by_label.get(_norm(option.text))
        if sku is None and len(product.options) == 1 and product_sku is not None:
            sku = product_sku
        if sku is None or sku.pk in used:
            problems.append(
                _("Option “%(option)s”%(code)s matches no SKU of %(product)s.")
                % {
                    "option": option.text or option.label or option.option_id,
                    "code": f" ({option.seller_code})" if option.seller_code else "",
                    "product": catalog_product.name,
                }
            )
            pairs.append(OptionPair(option, None))
            continue
        used.add(sku.pk)
        pairs.append(OptionPair(option, sku))
    return pairs, problems


def _deal_pairs(product: ChannelProduct, lookups: _Lookups) -> tuple[list[OptionPair], list[str]]:
    pairs, problems = [], []
    used: set[int] = set()
    for option in product.options:
        sku = lookups.skus_by_code.get(option.seller_code) if option.seller_code else None
        if sku is not None and sku.pk in used:
            problems.append(
                _("Deal item “%(item)s”: the SKU %(code)s is already used by another item of the deal.")
                % {"item": option.text or option.item_product_id, "code": option.seller_code}
            )
            sku = None
        elif sku is None:
            problems.append(
                _("Deal item “%(item)s”%(code)s matches no SKU.")
                % {
                    "item": option.text or option.item_product_id,
                    "code": f" ({option.seller_code})" if option.seller_code else "",
                }
            )
        if sku is not None:
            used.add(sku.pk)
        pairs.append(OptionPair(option, sku))
    return pairs, problems


def _preview_item(product: ChannelProduct, lookups: _Lookups) -> PreviewItem:
    listing = lookups.listings.get(product.product_id)
    item = PreviewItem(product=product, match=Match.NONE, listing_id=listing["id"] if listing else None)
    if listing and (listing["product_id"] or listing["has_sku"]):
        item.match, item.linked = Match.LINKED, True
        return item
    if product.errors:
        item.match = Match.ERROR
        return item
    if product.is_deal:
        item.pairs, item.problems = _deal_pairs(product, lookups)
        found = sum(1 for pair in item.pairs if pair.sku is not None)
        item.match = Match.SKU if found and not item.problems else (Match.PARTIAL if found else Match.NONE)
        return item
    product_sku = lookups.skus_by_code.get(product.seller_code) if product.seller_code else None
    candidates: dict[int, Product] = {}
    if product_sku is not None:
        candidates[product_sku.product_id] = product_sku.product
    elif product.seller_code in lookups.products_by_code:
        catalog = lookups.products_by_code[product.seller_code]
        candidates[catalog.pk] = catalog
    for option in product.options:
        sku = lookups.skus_by_code.get(option.seller_code) if option.seller_code else None
        if sku is not None:
            candidates.setdefault(sku.product_id, sku.product)
    if not candidates:
        return item
    if len(candidates) > 1:
        item.match = Match.CONFLICT
        item.problems.append(
            _("The seller codes point at SKUs of different products: %(products)s.")
            % {"products": ", ".join(sorted(p.name for p in candidates.values()))}
        )
        return item
    catalog_product = next(iter(candidates.values()))
    item.catalog_product = catalog_product
    item.pairs, item.problems = _pair_options(
        product, catalog_product, lookups.product_skus.get(catalog_product.pk, []), lookups, product_sku
    )
    by_code = product_sku is not None or any(
        option.seller_code in lookups.skus_by_code for option in product.options if option.seller_code
    )
    item.match = Match.PARTIAL if item.problems else (Match.SKU if by_code else Match.PRODUCT)
    if catalog_product.pk in lookups.listed_products:
        item.other_listing = lookups.listed_products[catalog_product.pk]
        item.problems.append(
            _("%(product)s is already linked to channel product %(number)s of this store.")
            % {"product": catalog_product.name, "number": item.other_listing}
        )
    return item


def migration_preview(*, store: Store, products: list[ChannelProduct]) -> Preview:
    lookups = _lookups(store, products)
    return Preview(items=[_preview_item(product, lookups) for product in products])


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass
class ProductError:
    product_id: str
    name: str
    messages: list[str]


@dataclass
class MigrationResult:
    selected: int = 0
    linked: int = 0  # listings created (or completed) and linked to existing products
    created: int = 0  # new catalog products made from the channel data (and linked)
    skipped: int = 0  # already linked: nothing done
    failed: int = 0
    errors: list[ProductError] = field(default_factory=list)

    def fail(self, product: ChannelProduct, messages: list[str]) -> None:
        self.failed += 1
        self.errors.append(ProductError(product.product_id, product.name, [str(m) for m in messages]))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> MigrationResult:
        data = dict(data)
        data["errors"] = [ProductError(**error) for error in data.get("errors") or []]
        return cls(**data)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(message) for errors in exc.message_dict.values() for message in errors]
    return [str(message) for message in exc.messages]


def _listing_values(product: ChannelProduct, *, link_stock: bool, file_name: str) -> dict:
    now = timezone.now()
    return {
        "channel_seller_code": product.seller_code[:100],
        "name": product.name[:100],
        "channel_category_id": product.category[:40] if product.category.isdigit() else "",
        "sale_price": product.sale_price or 0,
        "market_price": product.market_price or 0,
        "sale_start": product.sale_start,
        "sale_end": product.sale_end,
        "state": product.state,
        "channel_status": product.status[:40],
        "link_stock": link_stock,
        "pulled_at": now,
        "raw": {
            "source": "excel",
            "format": product.source_format,
            "file": file_name[:200],
            "rows": product.rows[:50],
            "display_id": product.display_id,
            "category": product.category[:200],
            "stock": product.stock,
        },
    }


def _write_listing(
    *,
    store: Store,
    product: ChannelProduct,
    catalog_product: Product | None,
    pairs: list[OptionPair],
    link_stock: bool,
    existing_id: int | None,
    file_name: str,
) -> Listing:
    """Create or complete the listing (store, channel product number) and its options."""
    values = _listing_values(product, link_stock=link_stock, file_name=file_name)
    current: dict[str, ListingOption] = {}
    if existing_id is not None:
        listing = Listing.objects.select_for_update().get(pk=existing_id)
        options = list(listing.options.all())
        if listing.product_id or any(option.sku_id for option in options):
            raise _AlreadyLinked
        current = {option.channel_option_id: option for option in options if option.channel_option_id}
        for key, value in values.items():
            setattr(listing, key, value)
        listing.product = catalog_product
        listing.save()
    else:  # a new listing has no options to complete
        listing = Listing.objects.create(
            store=store, product=catalog_product, channel_product_id=product.product_id, **values
        )
    to_create, to_update = [], []
    for index, pair in enumerate(pairs):
        option, sku = pair.option, pair.sku
        row = current.get(option.option_id) if option and option.option_id else None
        if row is None:
            row = ListingOption(listing=listing)
        row.sku = sku
        row.channel_option_id = option.option_id if option else ""
        row.channel_seller_code = (option.seller_code if option else product.seller_code)[:100]
        row.option_text = ((option.text or option.label) if option else (sku.option_label if sku else ""))[:255]
        row.extra_price = (option.extra_price or 0) if option else (sku.extra_price if sku else 0)
        on_sale = option.on_sale if option else None
        row.on_sale = on_sale if on_sale is not None else product.state == ListingState.ON_SALE.value
        row.channel_on_sale = row.on_sale
        row.channel_price = option.price if option and option.price is not None else product.sale_price
        row.channel_stock = (
            option.stock if option and option.stock is not None else (product.stock if len(pairs) == 1 else None)
        )
        row.sort_order = index
        (to_update if row.pk else to_create).append(row)
    if to_create:
        ListingOption.objects.bulk_create(to_create)
    if to_update:
        ListingOption.objects.bulk_update(
            to_update,
            [
                "sku",
                "channel_option_id",
                "channel_seller_code",
                "option_text",
                "extra_price",
                "on_sale",
                "channel_on_sale",
                "channel_price",
                "channel_stock",
                "sort_order",
            ],
        )
    return listing


class _AlreadyLinked(Exception):
    pass


def _link_existing(item: PreviewItem) -> list[OptionPair]:
    """The pairs to write for "link SKU", or ValidationError with what is missing."""
    product = item.product
    if item.match == Match.NONE:
        raise ValidationError(
            _("No SKU or product has the seller code %(code)s: nothing to link. Create it as a new product instead.")
            % {"code": ", ".join(product.codes) or "—"}
        )
    if item.problems:
        raise ValidationError(item.problems)
    if not item.pairs:
        raise ValidationError(_("The matched product has no SKU to link."))
    return item.pairs


def _option_groups(product: ChannelProduct) -> tuple[list[tuple[str, list[str]]], list[ChannelOption]]:
    """Option groups (name, values) for a new catalog product from the channel's options."""
    options = [option for option in product.options if option.values]
    if len(options) != len(product.options):
        raise ValidationError(_("Some options have no value, so no option groups can be made from them."))
    if not options:
        return [], []
    labels = [option.label for option in options]
    repeated = next((label for label in labels if labels.count(label) > 1), None)
    if repeated is not None:
        raise ValidationError(_("Two options have the same value “%(value)s”.") % {"value": repeated})
    width = len(options[0].values)
    if any(len(option.values) != width for option in options):
        raise ValidationError(
            _("The options do not all have the same number of values (e.g. “%(a)s” and “%(b)s”).")
            % {
                "a": options[0].label,
                "b": next(o.label for o in options if len(o.values) != width),
            }
        )
    names = options[0].names if all(option.names == options[0].names for option in options) else []
    if len(names) != width:
        names = [OPTION_GROUP_FALLBACK] if width == 1 else [f"{OPTION_GROUP_FALLBACK}{i + 1}" for i in range(width)]
    groups = []
    for position, name in enumerate(names):
        values: list[str] = []
        for option in options:
            if option.values[position] not in values:
                values.append(option.values[position])
        groups.append((name, values))
    return groups, options


def _create_new(product: ChannelProduct, *, category: Category, user) -> tuple[Product, list[OptionPair]]:
    """A catalog product ("preparing") with SKUs from the channel data, through the catalog services.

    Several options become option groups (their names when the export has them, else 옵션 / 옵션1, 옵션2)
    whose combinations the catalog generates; combinations the channel does not sell are set "not for
    sale". One option or none makes a product without options. SKU codes are the channel's option
    seller codes (else the product's). The product keeps the channel's seller code when it fits our
    10-character product code; a longer one stays on the SKU only.
    """
    groups, options = _option_groups(product) if len(product.options) > 1 else ([], [])
    single = product.options[0] if len(product.options) == 1 else None
    sku_code = (single.seller_code if single is not None else "") or product.seller_code
    try:
        validate_product_seller_code(product.seller_code)
        product_code = product.seller_code
    except ValidationError:
        product_code = ""
    catalog_product = Product(
        name=product.name,
        status=Product.Status.PREPARING,
        category=category,
        seller_code=product_code,
        maker=(product.maker or product.brand or MAKER_FALLBACK)[:50],
        price=product.sale_price,
    )
    catalog_product.option_groups = [
        OptionGroup(name=name, values=values, sort_order=index) for index, (name, values) in enumerate(groups)
    ]
    product_create(product=catalog_product, user=user)
    by_values = {tuple(option.values): option for option in options}
    edits: dict[int, SkuEdit] = {}
    pairs: list[OptionPair] = []
    for sku in catalog_product.skus.all():
        if not groups:
            if sku_code and sku_code != sku.seller_code:
                edits[sku.pk] = SkuEdit(seller_code=sku_code)
            pairs.append(OptionPair(single, sku))
            continue
        option = by_values.get(tuple(sku.option_values or []))
        if option is None:
            edits[sku.pk] = SkuEdit(status=SkuStatus.STOPPED)  # a combination the channel does not sell
            continue
        on_sale = option.on_sale if option.on_sale is not None else True
        edits[sku.pk] = SkuEdit(
            seller_code=option.seller_code or None,
            extra_price=option.extra_price or 0,
            status=SkuStatus.ON_SALE if on_sale else SkuStatus.STOPPED,
        )
        pairs.append(OptionPair(option, sku))
    if edits:
        product_update(product=catalog_product, user=user, sku_edits=edits)
        refreshed = {sku.pk: sku for sku in SKU.objects.filter(product=catalog_product)}
        pairs = [OptionPair(pair.option, refreshed.get(pair.sku.pk, pair.sku)) for pair in pairs]
    return catalog_product, pairs


def migration_import(
    *,
    store: Store,
    selection: Iterable[ChannelProduct],
    link_sku: bool,
    link_stock: bool,
    user,
    category: Category | None = None,
    file_name: str = "",
) -> MigrationResult:
    """Import the selected channel products of one export into ``store``, each in its own transaction.

    ``link_sku``: link to the products/SKUs whose seller codes match (a product without a match is
    an error). Off: make a new catalog product with SKUs from the channel data (needs ``category``;
    the product stays "preparing" until the seller completes it) and link the listing to it. Deals
    (위메프 그룹상품) are always linked to the SKUs of their items: they are made of products already
    sold on 위메프, imported from the product export. ``link_stock`` sets the listings' "push stock".
    Already linked products are skipped and counted.
    """
    selection = list(selection)
    result = MigrationResult(selected=len(selection))
    if not selection:
        return result
    creating = not link_sku and any(not product.is_deal for product in selection)
    if creating and category is None:
        raise MigrationRefused(_("Choose the category of the new products."), code="category")
    preview = migration_preview(store=store, products=selection)
    linked_now: dict[int, str] = {}  # catalog product -> channel product number, within this run
    for item in preview.items:
        product = item.product
        if item.linked:
            result.skipped += 1
            continue
        if product.errors:
            result.fail(product, item.error_messages)
            continue
        if link_sku and item.catalog_product is not None and item.catalog_product.pk in linked_now:
            result.fail(
                product,
                [
                    _("%(product)s is already linked to channel product %(number)s of this store.")
                    % {"product": item.catalog_product.name, "number": linked_now[item.catalog_product.pk]}
                ],
            )
            continue
        try:
            with transaction.atomic():
                if product.is_deal:
                    if not link_sku:
                        raise ValidationError(
                            _("A deal is made of products already on the store: import it with “link SKU”.")
                        )
                    if item.problems or not item.pairs:
                        raise ValidationError(item.problems or [_("The deal has no items.")])
                    catalog_product, pairs = None, item.pairs
                elif link_sku:
                    pairs = _link_existing(item)
                    catalog_product = item.catalog_product
                else:
                    catalog_product, pairs = _create_new(product, category=category, user=user)
                _write_listing(
                    store=store,
                    product=product,
                    catalog_product=catalog_product,
                    pairs=pairs,
                    link_stock=link_stock,
                    existing_id=item.listing_id,
                    file_name=file_name,
                )
        except _AlreadyLinked:
            result.skipped += 1
            continue
        except ValidationError as exc:
            result.fail(product, _messages(exc))
            continue
        except IntegrityError:
            logger.info("migration: listing %s of store %s written concurrently", product.product_id, store.pk)
            result.fail(
                product,
                [_("This product or one of its SKUs is already linked on this store.")],
            )
            continue
        if catalog_product is not None:
            linked_now[catalog_product.pk] = product.product_id
        if catalog_product is not None and not link_sku:
            result.created += 1
        else:
            result.linked += 1
    return result


# ---------------------------------------------------------------------------------------------
# Keeping the parsed file between the steps
# ---------------------------------------------------------------------------------------------


@dataclass
class Staged:
    token: str
    store_id: int
    user_id: int
    parsed: ParsedExport
    result: MigrationResult | None = None
    options: dict = field(default_factory=dict)


def _stage_key(token: str) -> str:
    return f"{STAGE_PREFIX}{token}"


def migration_stage(*, parsed: ParsedExport, store: Store, user) -> str:
    """Keep a parsed export on the server for the preview and import steps; returns its token."""
    token = secrets.token_urlsafe(18)
    cache.set(
        _stage_key(token),
        {"store_id": store.pk, "user_id": user.pk, "parsed": parsed.to_dict(), "result": None, "options": {}},
        STAGE_TTL,
    )
    return token


def migration_staged(*, token: str, user) -> Staged | None:
    """The staged export of ``token`` if it exists and belongs to ``user``."""
    if not token or not re.fullmatch(r"[A-Za-z0-9_\-]{10,64}", token):
        return None
    data = cache.get(_stage_key(token))
    if not data or data.get("user_id") != getattr(user, "pk", None):
        return None
    return Staged(
        token=token,
        store_id=data["store_id"],
        user_id=data["user_id"],
        parsed=ParsedExport.from_dict(data["parsed"]),
        result=MigrationResult.from_dict(data["result"]) if data.get("result") else None,
        options=data.get("options") or {},
    )


def migration_stage_result(*, staged: Staged, result: MigrationResult, options: dict) -> None:
    cache.set(
        _stage_key(staged.token),
        {
            "store_id": staged.store_id,
            "user_id": staged.user_id,
            "parsed": staged.parsed.to_dict(),
            "result": result.to_dict(),
            "options": options,
        },
        STAGE_TTL,
    )


def migration_discard(*, token: str) -> None:
    cache.delete(_stage_key(token))
