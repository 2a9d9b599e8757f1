"""The SKU product list (spreadsheet kind "sku_list"): bulk register and bulk edit of products by Excel, and the
SKU list download. One row per SKU; the product's columns repeat on each row of its SKUs.

What a row means
    * 판매자상품코드 (SKU seller code) is the key. A code that exists updates that SKU and its product; a new code
      registers a SKU of a new product.
    * 상품코드 groups rows into one product. It finds an existing product by its own seller product code
      (자체상품코드) or by the product code the system gave it (the export writes the first, or the second when
      there is none). For a new product it becomes the product's seller product code, so it follows that rule
      (up to 10 English letters, digits, - and _).
    * A new product is built from its rows: they must be next to each other; 옵션명1..3 are the same on every
      row; the option values, in the order they first appear, make the option groups; the rows must give every
      combination of those values exactly once (the catalog keeps the full combination as SKUs). The product's
      columns may be filled on one row only: blank cells take the value of the product's other rows, and filled
      ones must agree. A new SKU code under an existing product is refused: options of a saved product change on
      its page (retiring or re-creating combinations is not a spreadsheet job).
    * An existing SKU's options cannot change here (a filled option cell must equal the SKU's), and neither can
      its product (상품코드, when filled, must name the SKU's product).
    * Blank cells on an update: a field that may be empty (barcode, cost, brand, model, keywords) is emptied; a
      field that may not (name, prices, statuses, category, maker, origin, tax type, notice) is left as it is. A
      column missing from the layout is left alone.
    * Brands that do not exist are created (a flat list of names). A category path that does not exist is an
      error: the category tree is the seller's own curated 4-level tree, and creating nodes from a typo would
      fork it silently, so categories are made on the category page first.
    * 상품정보제공고시: the column takes the notice category; its items are set to "상세페이지 참조" (see the
      detail page) for a new product and for items new to a changed category. Certifications are not in the
      file, so a children's or electrical product is registered as 판매준비 (preparing) until they are added.
    * The rows of one product in one chunk are imported together or not at all: when one has an error, the
      others say so, and "valid rows only" skips the whole product.

Every product and SKU rule is the catalog's own (validators.product_errors, sku_price_problems, the option and
code rules), with the same Korean messages, placed on the row and the column. Nothing is saved per row: each
chunk costs a fixed number of queries (existing SKUs, products, brands, categories and barcodes by code, the
SKUs of repriced products) and a few bulk writes through services.products_bulk_create / products_bulk_update,
which also write the edit history.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.spreadsheets.cells import CellError, ValueType, parse_bool, parse_money, parse_text
from modules.spreadsheets.importers import ImportContext, ImportCounts, Importer, ImportRow
from modules.spreadsheets.layouts import FieldSpec, register_fields, register_importer

from . import notice, validators
from .history import field_text, sku_text
from .models import (
    CATEGORY_SEPARATOR,
    SKU,
    Brand,
    Category,
    OptionGroup,
    OriginGoodsType,
    OriginKind,
    Product,
    ProductCertification,
    SkuStatus,
)

KIND = "sku_list"
MAX_OPTIONS = validators.MAX_OPTION_GROUPS
OPTION_KEYS = tuple((f"option_name{index}", f"option_value{index}") for index in range(1, MAX_OPTIONS + 1))
# What a new product's rules read besides the file's columns: the model's defaults.
NEW_PRODUCT_DEFAULTS = {
    "origin_goods_type": OriginGoodsType.INDUSTRIAL,
    "origin_ingredients": "",
    "manufactured_on": None,
}
T = ValueType

# File values of the choice fields: Korean literals, because they are a file format (not UI text).
PRODUCT_STATUS_TEXT = {
    Product.Status.PREPARING: "판매준비",
    Product.Status.ON_SALE: "판매중",
    Product.Status.SOLD_OUT: "품절",
    Product.Status.SUSPENDED: "판매중지",
    Product.Status.ENDED: "판매종료",
}
SKU_STATUS_TEXT = {SkuStatus.ON_SALE: "판매", SkuStatus.STOPPED: "판매안함", SkuStatus.RETIRED: "단종"}
TAX_TYPE_TEXT = {Product.TaxType.TAXABLE: "과세", Product.TaxType.EXEMPT: "면세", Product.TaxType.ZERO_RATED: "영세"}
DOMESTIC_TEXT = "국산"
ORIGIN_WORDS = {
    OriginKind.DOMESTIC: ("국산", "국내산", "국내", "한국", "대한민국", "korea"),
    OriginKind.NOT_APPLICABLE: (notice.NOT_APPLICABLE_TEXT, "원산지표시대상아님", "표시대상아님"),
    OriginKind.SEE_DETAIL: (notice.SEE_DETAIL_TEXT, "상세설명참조", "상세정보별도표기", "상세페이지참고"),
}


def _key(text: str) -> str:
    """How file words are compared: NFKC, no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _choice_parser(words: dict[str, Iterable[str]], message):
    lookup = {}
    for value, texts in words.items():
        for text in (value, *texts):
            lookup[_key(str(text))] = str(value)

    def parse(raw: Any) -> str | None:
        text = parse_text(raw)
        if text is None:
            return None
        try:
            return lookup[_key(text)]
        except KeyError:
            raise CellError(str(message) % {"value": text}) from None

    return parse


parse_product_status = _choice_parser(
    {key: (text,) for key, text in PRODUCT_STATUS_TEXT.items()},
    gettext_lazy("“%(value)s” is not a product status: use 판매준비, 판매중, 품절, 판매중지 or 판매종료."),
)
parse_sku_status = _choice_parser(
    {
        SkuStatus.ON_SALE: ("판매", "판매중", "y"),
        SkuStatus.STOPPED: ("판매안함", "판매중지", "중지", "n"),
        SkuStatus.RETIRED: ("단종",),
    },
    gettext_lazy("“%(value)s” is not a sale status: use 판매 or 판매안함."),
)
parse_tax_type = _choice_parser(
    {
        Product.TaxType.TAXABLE: ("과세", "과세상품"),
        Product.TaxType.EXEMPT: ("면세", "면세상품", "비과세"),
        Product.TaxType.ZERO_RATED: ("영세", "영세율", "영세상품"),
    },
    gettext_lazy("“%(value)s” is not a tax type: use 과세, 면세 or 영세."),
)
parse_notice_category = _choice_parser(
    {category.code: (category.label,) for category in notice.CATEGORIES},
    gettext_lazy("“%(value)s” is not a product information notice category (e.g. 기타 재화)."),
)


_ORIGIN_KIND_OF = {_key(word): str(kind) for kind, words in ORIGIN_WORDS.items() for word in words}


def parse_origin(raw: Any) -> tuple[str, str] | None:
    """(origin kind, country): 국산, 해당없음, 상세페이지 참조, or the country of an imported product (수입산(중국))."""
    text = parse_text(raw)
    if text is None:
        return None
    kind = _ORIGIN_KIND_OF.get(_key(text))
    if kind is not None:
        return kind, ""
    country = text
    for prefix in ("수입산", "수입"):
        if country.startswith(prefix):
            country = country[len(prefix) :].strip()
            break
    country = country.strip("()（） ").strip() or text
    return str(OriginKind.IMPORTED), country


def parse_category_path(raw: Any) -> str | None:
    """ "대분류>중분류 > 소분류" with any spacing, as the full path the tree stores ("대분류 > 중분류 > 소분류")."""
    text = parse_text(raw)
    if text is None:
        return None
    return CATEGORY_SEPARATOR.join(part.strip() for part in text.split(">") if part.strip()) or None


def parse_keywords(raw: Any) -> list[str] | None:
    text = parse_text(raw)
    return None if text is None else validators.parse_keywords(text)


def parse_code(raw: Any) -> str | None:
    """Codes as typed (Excel's 12345.0 back to 12345), NFKC so full-width letters become ASCII."""
    text = parse_text(raw)
    return None if text is None else unicodedata.normalize("NFKC", text).strip()


def memoised(parse, *, limit: int = 20_000):
    """``parse`` remembering its last results: a product's cells repeat on each of its SKU rows, and statuses,
    option names and values, categories and brands repeat over the whole file, so most cells are parsed once.
    Errors are not remembered (they raise again); lists come back as copies."""
    cache: dict[Any, Any] = {}

    def parse_cached(raw: Any) -> Any:
        key = raw if type(raw) is str else (type(raw), raw)  # 1, 1.0 and True are equal keys otherwise
        try:
            value = cache[key]
        except KeyError:
            value = parse(raw)
            if len(cache) >= limit:
                cache.clear()
            cache[key] = value
        except TypeError:  # unhashable
            return parse(raw)
        return list(value) if isinstance(value, list) else value

    return parse_cached


# Export values ---------------------------------------------------------------------------------------------


def _option_names(product: Product) -> list[str]:
    names = getattr(product, "_excel_option_names", None)
    if names is None:
        groups = sorted(product.option_groups.all(), key=lambda group: (group.sort_order or 0, group.pk or 0))
        names = product._excel_option_names = [group.name for group in groups]
    return names


def _option_name(index: int):
    def get(sku: SKU) -> str:
        names = _option_names(sku.product)
        return names[index] if index < len(names) and index < len(sku.option_values or []) else ""

    return get


def _option_value(index: int):
    def get(sku: SKU) -> str:
        values = sku.option_values or []
        return values[index] if index < len(values) else ""

    return get


def origin_text(product: Product) -> str:
    if product.origin_kind == OriginKind.IMPORTED:
        return product.origin_country
    if product.origin_kind == OriginKind.DOMESTIC:
        return DOMESTIC_TEXT
    return ORIGIN_WORDS[OriginKind(product.origin_kind)][0]


def product_code_text(product: Product) -> str:
    return product.seller_code or product.product_code or ""


def _notice_text(product: Product) -> str:
    category = notice.BY_CODE.get(product.notice_category)
    return category.label if category else ""


# Fields ----------------------------------------------------------------------------------------------------

PRODUCT_KEYS = (
    "name",
    "status",
    "category",
    "brand",
    "maker",
    "model",
    "origin",
    "tax_type",
    "price",
    "keywords",
    "notice",
    "adult_only",
)
# Product keys a blank cell empties on update, with the empty value; the others keep their value when blank.
CLEARABLE = {"brand": None, "model": "", "keywords": []}
REQUIRED_NEW = ("name", "category", "maker", "price")
# Model field -> the column its messages belong to.
COLUMN_OF = {
    "name": "name",
    "status": "status",
    "category": "category",
    "brand": "brand",
    "maker": "maker",
    "model_name": "model",
    "origin_kind": "origin",
    "origin_goods_type": "origin",
    "origin_country": "origin",
    "origin_ingredients": "origin",
    "tax_type": "tax_type",
    "price": "price",
    "keywords": "keywords",
    "notice_category": "notice",
    "notice_values": "notice",
    "certifications": "notice",
    "adult_only": "adult_only",
    "seller_code": "product_code",
}
# Excel key -> the model fields it sets (history and bulk_update field names).
MODEL_FIELDS = {
    "name": ("name",),
    "status": ("status",),
    "category": ("category",),
    "brand": ("brand",),
    "maker": ("maker",),
    "model": ("model_name",),
    "origin": ("origin_kind", "origin_country"),
    "tax_type": ("tax_type",),
    "price": ("price",),
    "keywords": ("keywords",),
    "notice": ("notice_category", "notice_values"),
    "adult_only": ("adult_only",),
}


def sku_fields() -> list[FieldSpec]:
    fields = [
        FieldSpec(
            "product_code",
            "상품코드",
            T.TEXT,
            parser=parse_code,
            getter=lambda sku: product_code_text(sku.product),
            help=gettext_lazy("Rows with the same product code make one product."),
        ),
        FieldSpec("name", "상품명", T.TEXT, parser=memoised(parse_text), getter=lambda sku: sku.product.name),
        FieldSpec(
            "seller_code",
            "판매자상품코드",
            T.TEXT,
            required=True,
            parser=parse_code,
            getter=lambda sku: sku.seller_code,
        ),
    ]
    for index in range(MAX_OPTIONS):
        fields += [
            FieldSpec(
                f"option_name{index + 1}",
                f"옵션명{index + 1}",
                T.TEXT,
                parser=memoised(parse_text),
                getter=_option_name(index),
            ),
            FieldSpec(
                f"option_value{index + 1}",
                f"옵션값{index + 1}",
                T.TEXT,
                parser=memoised(parse_text),
                getter=_option_value(index),
            ),
        ]
    fields += [
        FieldSpec(
            "extra_price", "옵션추가금액", T.MONEY, parser=memoised(parse_money), getter=lambda sku: sku.extra_price
        ),
        FieldSpec("price", "판매가", T.MONEY, parser=memoised(parse_money), getter=lambda sku: sku.product.price),
        FieldSpec("cost", "원가", T.MONEY, parser=memoised(parse_money), getter=lambda sku: sku.cost),
        FieldSpec("barcode", "바코드", T.TEXT, parser=parse_code, getter=lambda sku: sku.barcode),
        FieldSpec(
            "sku_status",
            "판매상태",
            T.TEXT,
            parser=memoised(parse_sku_status),
            getter=lambda sku: SKU_STATUS_TEXT[sku.status],
        ),
        FieldSpec(
            "status",
            "상품상태",
            T.TEXT,
            parser=memoised(parse_product_status),
            getter=lambda sku: PRODUCT_STATUS_TEXT[sku.product.status],
        ),
        FieldSpec(
            "category",
            "카테고리",
            T.TEXT,
            parser=memoised(parse_category_path),
            getter=lambda sku: sku.product.category.full_name if sku.product.category_id else "",
        ),
        FieldSpec(
            "brand",
            "브랜드",
            T.TEXT,
            parser=memoised(parse_text),
            getter=lambda sku: sku.product.brand.name if sku.product.brand_id else "",
        ),
        FieldSpec("maker", "제조사", T.TEXT, parser=memoised(parse_text), getter=lambda sku: sku.product.maker),
        FieldSpec("model", "모델명", T.TEXT, parser=memoised(parse_text), getter=lambda sku: sku.product.model_name),
        FieldSpec(
            "origin", "원산지", T.TEXT, parser=memoised(parse_origin), getter=lambda sku: origin_text(sku.product)
        ),
        FieldSpec(
            "tax_type",
            "과세구분",
            T.TEXT,
            parser=memoised(parse_tax_type),
            getter=lambda sku: TAX_TYPE_TEXT[sku.product.tax_type],
        ),
        FieldSpec(
            "keywords",
            "검색키워드",
            T.TEXT,
            parser=memoised(parse_keywords),
            getter=lambda sku: ", ".join(sku.product.keywords or []),
        ),
        FieldSpec(
            "notice",
            "상품정보제공고시",
            T.TEXT,
            parser=memoised(parse_notice_category),
            getter=lambda sku: _notice_text(sku.product),
        ),
        FieldSpec(
            "adult_only", "성인전용", T.BOOL, parser=memoised(parse_bool), getter=lambda sku: sku.product.adult_only
        ),
    ]
    return fields


EXPORT_BATCH = 2000


def export_queryset(queryset, *, batch: int = EXPORT_BATCH) -> Iterator[SKU]:
    """The SKUs of ``queryset`` with what every column reads, streamed for an export: one query for the SKUs
    (read in chunks) and 2 per 2,000 rows (their products with brand and category, their option names),
    memory flat in rows.

    Products are loaded once per batch and shared by their SKUs (not one instance per SKU row, as
    select_related would make), and option names come from one query per batch rather than a prefetch,
    which modelcluster runs one queryset per product for.
    """
    skus = queryset.select_related(None).prefetch_related(None).order_by("product_id", "sort_order", "pk")
    iterator = skus.iterator(chunk_size=batch)
    while chunk := list(itertools.islice(iterator, batch)):
        ids = {sku.product_id for sku in chunk}
        products = (
            Product.objects.select_related("brand", "category")
            .defer("detail_html", "notice_values", "origin_ingredients")
            .in_bulk(ids)
        )
        names: dict[int, list[str]] = {pk: [] for pk in ids}
        for product_id, name in (
            OptionGroup.objects.filter(product_id__in=ids).order_by("product_id", "sort_order", "pk")
        ).values_list("product_id", "name"):
            names[product_id].append(name)
        for product_id, product in products.items():
            product._excel_option_names = names[product_id]
        for sku in chunk:
            sku.product = products[sku.product_id]
        yield from chunk


# The import ------------------------------------------------------------------------------------------------

_PLAN = "_catalog_plan"  # key under which validate_rows leaves each row's plan for preview/apply
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class _Group:
    """The rows of one product in one chunk."""

    code: str | None
    rows: list[ImportRow]
    product: Product | None = None  # the saved product (None: a new one)
    draft: Any = None  # services.ProductDraft
    edit: Any = None  # services.ProductEdit
    failed: bool = False


@dataclass
class _RowPlan:
    action: str
    group: _Group


@dataclass
class _State:
    """What a run remembers from one chunk to the next."""

    last_code: str | None = None
    last_row: int = 0
    finished_codes: dict[str, int] = field(default_factory=dict)  # product code -> a row where its rows ended
    barcodes: dict[str, int] = field(default_factory=dict)  # barcode in the file -> first row
    product_values: dict[int, dict[str, tuple[Any, int]]] = field(default_factory=dict)  # saved product -> values
    clean_cache: dict = field(default_factory=dict)  # validators.product_errors' per-value results


@dataclass(slots=True)
class _NewSku:
    """A SKU to register; the model instance is made only when it is written (not in the dry run)."""

    option_values: list[str]
    option_label: str
    extra_price: int
    status: str
    seller_code: str
    barcode: str
    cost: int | None
    sort_order: int


@dataclass
class _NewProduct:
    fields: dict[str, Any]
    category: Category | None
    brand: Brand | None
    option_groups: list[tuple[str, list[str]]]
    skus: list[_NewSku]
    brand_name: str = ""

    def build(self):
        from .services import ProductDraft

        return ProductDraft(
            product=Product(**self.fields, category=self.category, brand=self.brand),
            option_groups=[
                OptionGroup(name=name, values=list(values), sort_order=index)
                for index, (name, values) in enumerate(self.option_groups)
            ],
            skus=[
                SKU(
                    option_values=sku.option_values,
                    option_label=sku.option_label,
                    extra_price=sku.extra_price,
                    status=sku.status,
                    seller_code=sku.seller_code,
                    barcode=sku.barcode,
                    cost=sku.cost,
                    sort_order=sku.sort_order,
                )
                for sku in self.skus
            ],
            brand_name=self.brand_name,
        )


class _Problems:
    def __init__(self, titles: dict[str, str] | None):
        self.by_row: dict[int, list[tuple[str, str]]] = {}
        self.titles = titles  # the layout's {field: title}; None: every field, default titles
        self.present = set(titles) if titles is not None else None

    def add(self, row: ImportRow | int, key: str, message: str) -> None:
        number = row if isinstance(row, int) else row.number
        self.by_row.setdefault(number, []).append((self.column(key), str(message)))

    def column(self, key: str) -> str:
        # A column missing from the layout is named by its default title (the pipeline knows only the layout's).
        if self.present is None or key in self.present or not key:
            return key
        spec = _field_specs().get(key)
        return spec.title if spec is not None else key

    def title(self, key: str) -> str:
        if self.titles is not None and key in self.titles:
            return self.titles[key]
        return _field_specs()[key].title

    def has(self, row: ImportRow) -> bool:
        return row.number in self.by_row


def _field_specs() -> dict[str, FieldSpec]:
    from modules.spreadsheets.layouts import get_kind

    return get_kind(KIND).fields


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class SkuListImporter(Importer):
    chunk_size = 1000

    def group_key(self, raw: dict[str, Any]) -> Any:
        value = raw.get("product_code")
        try:
            return parse_code(value)
        except CellError:
            return None

    # Checks and the plan ---------------------------------------------------------------------------------

    def validate_rows(self, rows: list[ImportRow], *, context: ImportContext) -> dict[int, list[tuple[str, str]]]:
        state: _State = context.options.setdefault("catalog_sku_list", _State())
        titles = {item["field"]: item["title"] for item in context.job.columns} if context.job is not None else None
        problems = _Problems(titles)
        planner = _Planner(rows, state=state, problems=problems, present=problems.present)
        planner.run()
        return problems.by_row

    def preview(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        counts = ImportCounts()
        for row in values:
            action = row[_PLAN].action
            if action == CREATE:
                counts.created += 1
            elif action == UPDATE:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts

    def apply(self, values: list[dict[str, Any]], *, context: ImportContext) -> ImportCounts:
        from .services import products_bulk_create, products_bulk_update

        groups: dict[int, _Group] = {}
        for row in values:
            group = row[_PLAN].group
            groups.setdefault(id(group), group)
        products_bulk_create(
            drafts=[g.draft.build() for g in groups.values() if g.draft is not None], user=context.user
        )
        products_bulk_update(edits=[g.edit for g in groups.values() if g.edit is not None], user=context.user)
        return self.preview(values, context=context)


def _duplicate_message(titles: list[str], row: int) -> str:
    # The pipeline's own wording for duplicate keys, so that every duplicate in a file reads alike.
    return _("Duplicate row: the same %(titles)s as row %(row)d.") % {"titles": "/".join(titles), "row": row}


def _retired_message(sku: SKU) -> str:
    return _("Option %(option)s: a retired combination comes back only through the option values.") % {
        "option": sku.option_label or _("(no options)")
    }


class _Planner:
    """Checks one chunk of rows against the catalog's rules and plans what each row creates or changes."""

    def __init__(self, rows: list[ImportRow], *, state: _State, problems: _Problems, present: set[str] | None):
        self.rows = rows
        self.state = state
        self.problems = problems
        self.present = present
        self.options: dict[int, list[tuple[str | None, str]]] = {}
        self.groups: dict[tuple, _Group] = {}

    def has(self, key: str) -> bool:
        return self.present is None or key in self.present

    def title(self, key: str) -> str:
        return self.problems.title(key)

    def run(self) -> None:
        self._read_options()
        self._load()
        self._check_barcodes()
        self._group()
        pending = []
        for group in self.groups.values():
            if group.product is None:
                self._plan_new(group)
            else:
                pending.append(self._changes_of(group))
        self._check_existing(pending)
        self._finish()

    # Per row ---------------------------------------------------------------------------------------------

    def _read_options(self) -> None:
        """Option (name, value) pairs from 1 up; a gap (옵션값2 without 옵션값1) is an error."""
        for row in self.rows:
            values = row.values
            cells = [(values.get(name_key), values.get(value_key)) for name_key, value_key in OPTION_KEYS]
            while cells and cells[-1] == (None, None):
                cells.pop()
            pairs: list[tuple[str | None, str]] = []
            for index, (name, value) in enumerate(cells):
                if value is None:
                    self.problems.add(row, OPTION_KEYS[index][1], _("A value is required."))
                    continue
                pairs.append((name, value))
            self.options[row.number] = pairs

    def _rule(self, check, value: Any) -> list[str]:
        """The messages of ``check(value)`` (a validator), remembered per value for the run."""
        key = (check, value)
        messages = self.state.clean_cache.get(key)
        if messages is None:
            try:
                check(value)
                messages = []
            except ValidationError as exc:
                messages = _messages(exc)
            self.state.clean_cache[key] = messages
        return messages

    def _load(self) -> None:
        """Everything the chunk needs from the database, one query per kind of thing."""
        codes = [row.values["seller_code"] for row in self.rows]
        self.skus: dict[str, SKU] = {sku.seller_code: sku for sku in SKU.objects.filter(seller_code__in=codes)}
        products: dict[int, Product] = {}
        if self.skus:
            # The products apart (one instance per product, not per SKU row), so that changes made through one
            # row are seen by all; the detail HTML is not needed here.
            products = (
                Product.objects.select_related("brand", "category")
                .defer("detail_html")
                .in_bulk({sku.product_id for sku in self.skus.values()})
            )
            for sku in self.skus.values():
                sku.product = products[sku.product_id]
        new_codes = {
            row.values["product_code"]
            for row in self.rows
            if row.values["seller_code"] not in self.skus and row.values.get("product_code")
        }
        self.saved_codes: set[str] = set()
        if new_codes:
            for seller_code, product_code in Product.objects.filter(
                Q(seller_code__in=new_codes) | Q(product_code__in=new_codes)
            ).values_list("seller_code", "product_code"):
                self.saved_codes.update(code for code in (seller_code, product_code) if code)
        names = {row.values["brand"] for row in self.rows if row.values.get("brand")}
        self.brands = {brand.name: brand for brand in Brand.objects.filter(name__in=names)} if names else {}
        paths = {row.values["category"] for row in self.rows if row.values.get("category")}
        self.categories = (
            {category.full_name: category for category in Category.objects.filter(full_name__in=paths)} if paths else {}
        )
        barcodes = {row.values["barcode"] for row in self.rows if row.values.get("barcode")}
        self.barcode_owner = (
            dict(SKU.objects.filter(barcode__in=barcodes).values_list("barcode", "seller_code")) if barcodes else {}
        )
        self.option_names: dict[int, list[str]] = {}
        if products and any(self.has(f"option_name{index}") for index in range(1, MAX_OPTIONS + 1)):
            for group in sorted(
                OptionGroup.objects.filter(product_id__in=list(products)), key=lambda g: (g.sort_order or 0, g.pk)
            ):
                self.option_names.setdefault(group.product_id, []).append(group.name)

    def _check_barcodes(self) -> None:
        """A barcode may appear once in the file, and not on another SKU (unless that SKU's row gives it up)."""
        if not self.has("barcode"):
            return
        final = {row.values["seller_code"]: row.values.get("barcode") or "" for row in self.rows}
        title = self.title("barcode")
        for row in self.rows:
            barcode = row.values.get("barcode")
            if not barcode:
                continue
            first = self.state.barcodes.setdefault(barcode, row.number)
            if first != row.number:
                self.problems.add(row, "barcode", _duplicate_message([title], first))
                continue
            owner = self.barcode_owner.get(barcode)
            if owner is not None and owner != row.values["seller_code"] and final.get(owner, barcode) == barcode:
                self.problems.add(row, "barcode", _("Barcode: already used by another SKU."))

    def _group(self) -> None:
        state = self.state
        for row in self.rows:
            values = row.values
            code = values.get("product_code")
            if code != state.last_code:
                if state.last_code is not None:
                    state.finished_codes.setdefault(state.last_code, state.last_row)
                state.last_code = code
            state.last_row = row.number
            sku = self.skus.get(values["seller_code"])
            if sku is not None:
                product = sku.product
                if product.deleted_at is not None:
                    self.problems.add(row, "seller_code", _("The product of this SKU is deleted; restore it first."))
                if code and code not in (product.seller_code, product.product_code):
                    self.problems.add(
                        row,
                        "product_code",
                        _("This SKU belongs to the product %(code)s; a SKU cannot move to another product.")
                        % {"code": product_code_text(product)},
                    )
                self.groups.setdefault(("saved", product.pk), _Group(code=code, rows=[], product=product))
                self.groups[("saved", product.pk)].rows.append(row)
                continue
            try:
                validators.validate_sku_seller_code(values["seller_code"])
            except ValidationError as exc:
                for message in _messages(exc):
                    self.problems.add(row, "seller_code", message)
            if code is None:
                self.problems.add(
                    row, "product_code", _("Enter the product code: rows with the same product code make one product.")
                )
                continue
            if code in self.saved_codes:
                self.problems.add(
                    row,
                    "product_code",
                    _("%(code)s is a saved product: add options to it on its product page, not by Excel.")
                    % {"code": code},
                )
                continue
            ended = state.finished_codes.get(code)
            if ended is not None:
                self.problems.add(
                    row,
                    "product_code",
                    _("The rows of product %(code)s must be next to each other (see row %(row)s).")
                    % {"code": code, "row": ended},
                )
                if ("new", code) not in self.groups:
                    continue
            self.groups.setdefault(("new", code), _Group(code=code, rows=[])).rows.append(row)

    # Product values ---------------------------------------------------------------------------------------

    def _merge(self, rows: list[ImportRow], prior: dict[str, tuple[Any, int]]) -> dict[str, tuple[Any, int]]:
        """The product's value of each column: blank cells take the others' value, filled ones must agree."""
        merged: dict[str, tuple[Any, int]] = {}
        for row in rows:
            for key in PRODUCT_KEYS:
                value = row.values.get(key)
                if value is None:
                    continue
                seen = merged.get(key) or prior.get(key)
                if seen is not None and seen[0] != value:
                    self.problems.add(row, key, _("Differs from row %(row)s of the same product.") % {"row": seen[1]})
                elif key not in merged:
                    merged[key] = (value, row.number)
        return merged

    def _brand(self, name: str, row: int) -> tuple[Brand | None, str]:
        """The brand of that name, or ("", name) to create it; a bad name is reported."""
        brand = self.brands.get(name)
        if brand is not None:
            return brand, ""
        try:
            Brand._meta.get_field("name").clean(name, None)
        except ValidationError as exc:
            for message in _messages(exc):
                self.problems.add(row, "brand", message)
        return None, name

    def _category(self, path: str, row: int) -> Category | None:
        category = self.categories.get(path)
        if category is None:
            self.problems.add(
                row,
                "category",
                _("Category “%(path)s” does not exist: add it on the category page first, or write the full path.")
                % {"path": path},
            )
        return category

    def _report(self, errors: dict[str, list[str]], merged: dict[str, tuple[Any, int]], first: ImportRow) -> None:
        for name, messages in errors.items():
            column = COLUMN_OF.get(name, "product_code")
            row = merged[column][1] if column in merged else first.number
            for message in messages:
                self.problems.add(row, column, message)

    # New products -----------------------------------------------------------------------------------------

    def _plan_new(self, group: _Group) -> None:
        rows, first = group.rows, group.rows[0]
        merged = self._merge(rows, {})

        def value(key: str, default: Any = None) -> Any:
            return merged[key][0] if key in merged else default

        for key in REQUIRED_NEW:
            if key not in merged:
                self.problems.add(first, key, _("A value is required."))
        origin_kind, origin_country = value("origin", (str(OriginKind.DOMESTIC), ""))
        notice_category = value("notice", "")
        fields = {
            "seller_code": group.code,
            "name": validators.normalize_name(value("name", "")),
            "status": value("status", Product.Status.ON_SALE),
            "maker": value("maker", ""),
            "model_name": value("model", ""),
            "origin_kind": origin_kind,
            "origin_country": origin_country,
            "tax_type": value("tax_type", Product.TaxType.TAXABLE),
            "price": value("price"),
            "keywords": value("keywords", []),
            "notice_category": notice_category,
            "notice_values": _see_detail(notice_category, {}),
            "adult_only": value("adult_only", False),
        }
        category = brand = None
        if "category" in merged:
            category = self._category(merged["category"][0], merged["category"][1])
        brand_name = ""
        if "brand" in merged:
            brand, brand_name = self._brand(merged["brand"][0], merged["brand"][1])
        checked = {"seller_code", "status", "model_name", "origin_kind", "origin_country", "tax_type", "keywords"}
        checked |= {"notice_category", "adult_only"}
        checked |= {field for key, field in (("name", "name"), ("maker", "maker"), ("price", "price")) if key in merged}
        # The rules read attributes only, so the dry run checks a plain stand-in: a Product instance is made
        # when the product is written.
        candidate = SimpleNamespace(**fields, **NEW_PRODUCT_DEFAULTS)
        errors = validators.product_errors(candidate, fields=checked, certifications=[], cache=self.state.clean_cache)
        self._report(errors, merged, first)
        price = fields["price"]

        option_groups, combos = self._options_of_new(group)
        skus = []
        for row in rows:
            values = row.values
            combo = combos.get(row.number)
            status = values.get("sku_status") or SkuStatus.ON_SALE
            if status == SkuStatus.RETIRED:
                self.problems.add(
                    row, "sku_status", _("A new SKU cannot be registered as %(status)s.") % {"status": "단종"}
                )
            self._check_cost(row, values.get("cost"))
            barcode = values.get("barcode") or ""
            if barcode:
                self._check_barcode_rule(row, barcode)
            if combo is None:
                continue
            skus.append(
                (
                    row,
                    _NewSku(
                        option_values=list(combo[1]),
                        option_label=SKU.label_for(list(combo[1])),
                        extra_price=values.get("extra_price") or 0,
                        status=status,
                        seller_code=values["seller_code"],
                        barcode=barcode,
                        cost=values.get("cost"),
                        sort_order=combo[0],
                    ),
                )
            )
        if price is not None and skus:
            self._check_prices(price, skus, first=first, rows_with_changes=[row for row, _sku in skus])
        if any(self.problems.has(row) for row in rows):
            group.failed = True
            return
        skus.sort(key=lambda item: item[1].sort_order)
        group.draft = _NewProduct(
            fields=fields,
            category=category,
            brand=brand,
            option_groups=option_groups,
            skus=[sku for _row, sku in skus],
            brand_name=brand_name,
        )

    def _options_of_new(self, group: _Group) -> tuple[list[tuple[str, list[str]]], dict[int, tuple[int, tuple]]]:
        """The option groups the rows make, and each row's (combination index, values); problems reported."""
        rows, first = group.rows, group.rows[0]
        count = max(len(self.options[row.number]) for row in rows)
        names: list[tuple[str, int] | None] = [None] * count
        values: list[list[str]] = [[] for _index in range(count)]
        folded: list[dict[str, int]] = [{} for _index in range(count)]
        for row in rows:
            pairs = self.options[row.number]
            if len(pairs) != count:
                self.problems.add(
                    row,
                    f"option_value{min(len(pairs), count - 1) + 1}" if count else "option_value1",
                    _("Differs from row %(row)s of the same product.") % {"row": first.number},
                )
                continue
            for index, (name, value) in enumerate(pairs):
                if name is not None:
                    if names[index] is None:
                        names[index] = (name, row.number)
                    elif names[index][0] != name:
                        self.problems.add(
                            row,
                            f"option_name{index + 1}",
                            _("Differs from row %(row)s of the same product.") % {"row": names[index][1]},
                        )
                messages = self._rule(validators.validate_option_value, value)
                if messages:
                    for message in messages:
                        self.problems.add(row, f"option_value{index + 1}", message)
                    continue
                key = value.casefold()
                if key not in folded[index]:
                    folded[index][key] = row.number
                    values[index].append(value)
                elif value not in values[index]:
                    self.problems.add(
                        row,
                        f"option_value{index + 1}",
                        str(_("Option values: “%(value)s” appears twice.") % {"value": value}),
                    )
        groups: list[tuple[str, list[str]]] = []
        for index in range(count):
            name = names[index][0] if names[index] is not None else ""
            row_number = names[index][1] if names[index] is not None else first.number
            for message in self._rule(validators.validate_option_name, name):
                self.problems.add(row_number, f"option_name{index + 1}", message)
            groups.append((name, values[index]))
        try:
            validators.validate_option_groups(groups)
        except ValidationError as exc:
            for message in _messages(exc):
                self.problems.add(first, "option_name1", message)
            return groups, {}
        # Every row one combination, every combination one row (the catalog keeps the full cartesian product).
        order = {combo: index for index, combo in enumerate(itertools.product(*[v for _n, v in groups]))}
        titles = [self.title(f"option_value{index + 1}") for index in range(max(count, 1))]
        seen: dict[tuple, int] = {}
        combos: dict[int, tuple[int, tuple]] = {}
        for row in rows:
            combo = tuple(value for _name, value in self.options[row.number])
            if combo not in order:
                continue  # its values were reported above
            if combo in seen:
                self.problems.add(row, "option_value1", _duplicate_message(titles, seen[combo]))
                continue
            seen[combo] = row.number
            combos[row.number] = (order[combo], combo)
        missing = [combo for combo in order if combo not in seen]
        if missing:
            shown = ", ".join(SKU.label_for(list(combo)) for combo in missing[:5]) + ("…" if len(missing) > 5 else "")
            self.problems.add(
                first,
                "option_value1",
                _("Options: every combination of the option values needs a row without errors; missing: %(missing)s.")
                % {"missing": shown},
            )
        return groups, combos

    def _check_cost(self, row: ImportRow, cost: int | None) -> None:
        if cost is not None:
            for message in self._rule(_clean_cost, cost):
                self.problems.add(row, "cost", message)

    def _check_barcode_rule(self, row: ImportRow, barcode: str) -> None:
        try:
            validators.validate_barcode(barcode)
        except ValidationError as exc:
            for message in _messages(exc):
                self.problems.add(row, "barcode", message)

    def _check_prices(
        self,
        price: int,
        skus: list[tuple[ImportRow | None, SKU]],
        *,
        first: ImportRow,
        rows_with_changes: list[ImportRow],
    ) -> None:
        rows = [
            validators.SkuRow(sku.option_label, sku.extra_price, sku.status != SkuStatus.RETIRED) for _row, sku in skus
        ]
        per_sku, zero = validators.sku_price_problems(sale_price=price, skus=rows)
        for index, exc in per_sku.items():
            row = skus[index][0] or first
            for message in _messages(exc):
                self.problems.add(row, "extra_price", message)
        if zero is not None:
            row = rows_with_changes[0] if rows_with_changes else first
            for message in _messages(zero):
                self.problems.add(row, "extra_price", message)

    # Saved products ---------------------------------------------------------------------------------------

    def _changes_of(self, group: _Group) -> dict[str, Any]:
        """Apply the rows' values to the saved product and SKUs in memory; what changed, with the texts before."""
        from .services import ProductEdit

        product = group.product
        prior = self.state.product_values.setdefault(product.pk, {})
        merged = self._merge(group.rows, prior)
        edit = ProductEdit(product=product)
        first = group.rows[0]

        def change(attr: str, new: Any) -> None:
            if getattr(product, attr) != new:
                edit.before.setdefault(attr, field_text(product, attr))
                setattr(product, attr, new)

        for key in PRODUCT_KEYS:
            if not self.has(key):
                continue
            if key in merged:
                value, row = merged[key]
            elif key in CLEARABLE and key not in prior:
                value, row = (
                    (list(CLEARABLE[key]) if isinstance(CLEARABLE[key], list) else CLEARABLE[key]),
                    first.number,
                )
            else:
                continue
            if key == "name":
                change("name", validators.normalize_name(value))
            elif key == "model":
                change("model_name", value)
            elif key == "origin":
                change("origin_kind", value[0])
                change("origin_country", value[1])
            elif key == "category":
                category = self._category(value, row)
                if category is not None and category.pk != product.category_id:
                    change("category", category)
            elif key == "brand":
                brand, name = self._brand(value, row) if value is not None else (None, "")
                if name:
                    edit.before.setdefault("brand", field_text(product, "brand"))
                    product.brand, edit.brand_name = None, name
                elif (brand.pk if brand else None) != product.brand_id:
                    change("brand", brand)
            elif key == "notice":
                if value != product.notice_category:
                    edit.before.setdefault("notice_category", field_text(product, "notice_category"))
                    edit.before.setdefault("notice_values", field_text(product, "notice_values"))
                    product.notice_category = value
                    product.notice_values = _see_detail(value, product.notice_values or {})
            else:
                change(key, value)
        prior.update(merged)

        changed_rows = []
        file_skus: dict[int, tuple[ImportRow, SKU]] = {}
        actions: dict[int, str] = {}
        names = self.option_names.get(product.pk, [])
        for row in group.rows:
            values = row.values
            sku = self.skus[values["seller_code"]]
            file_skus[sku.pk] = (row, sku)
            before: list[str] = []  # the history text, taken at the first change only (most rows change nothing)
            changed: set[str] = set()

            def sku_change(attr: str, new: Any, sku=sku, changed=changed, before=before) -> None:
                if getattr(sku, attr) != new:
                    if not before:
                        before.append(sku_text(sku))
                    setattr(sku, attr, new)
                    changed.add(attr)

            for index, (name, value) in enumerate(self.options[row.number]):
                own = sku.option_values or []
                if (index >= len(own) or own[index] != value) or (
                    name is not None and (index >= len(names) or names[index] != name)
                ):
                    column = f"option_value{index + 1}" if index >= len(own) or own[index] != value else None
                    self.problems.add(
                        row,
                        column or f"option_name{index + 1}",
                        _("The options of a saved SKU are changed on its product's page, not by Excel."),
                    )
            if values.get("extra_price") is not None:
                sku_change("extra_price", values["extra_price"])
            status = values.get("sku_status")
            if status is not None and status != sku.status:
                if SkuStatus.RETIRED in (status, sku.status):
                    self.problems.add(row, "sku_status", _retired_message(sku))
                else:
                    sku_change("status", status)
            if self.has("barcode"):
                barcode = values.get("barcode") or ""
                if barcode != sku.barcode and barcode:
                    self._check_barcode_rule(row, barcode)
                sku_change("barcode", barcode)
            if self.has("cost"):
                if values.get("cost") != sku.cost:
                    self._check_cost(row, values.get("cost"))
                sku_change("cost", values.get("cost"))
            if changed:
                edit.skus.append((sku, before[0]))
                edit.sku_fields |= changed
                if changed & {"extra_price", "status"}:
                    changed_rows.append(row)
            actions[row.number] = UPDATE if changed else UNCHANGED
        group.edit = edit
        return {
            "group": group,
            "merged": merged,
            "first": first,
            "file_skus": file_skus,
            "price_rows": changed_rows,
            "actions": actions,
        }

    def _check_existing(self, pending: list[dict[str, Any]]) -> None:
        """The rules on what changed: product fields, then the SKU price rule over each product's SKUs."""
        if not pending:
            return
        notice_changed = [
            item["group"].product.pk
            for item in pending
            if {"notice_category", "status"} & set(item["group"].edit.before)
        ]
        certifications: dict[int, list[validators.CertificationRow]] = {pk: [] for pk in notice_changed}
        if notice_changed:
            for cert in ProductCertification.objects.filter(product_id__in=notice_changed):
                certifications[cert.product_id].append(validators.CertificationRow(cert.kind, cert.number, cert.agency))
        repriced = [
            item["group"].product.pk for item in pending if item["price_rows"] or "price" in item["group"].edit.before
        ]
        all_skus: dict[int, list[SKU]] = {}
        if repriced:
            for sku in SKU.objects.filter(product_id__in=repriced).only(
                "pk", "product_id", "option_label", "extra_price", "status", "sort_order"
            ):
                all_skus.setdefault(sku.product_id, []).append(sku)
        for item in pending:
            group, edit = item["group"], item["group"].edit
            product = group.product
            fields = set(edit.before) - {"category", "brand"}
            if fields:
                errors = validators.product_errors(
                    product,
                    fields=fields,
                    certifications=certifications.get(product.pk),
                    cache=self.state.clean_cache,
                )
                self._report(errors, item["merged"], item["first"])
            if product.pk in all_skus:
                # The file's SKUs as changed in memory, the others as saved, in option order.
                skus = sorted(all_skus[product.pk], key=lambda sku: (sku.sort_order, sku.pk))
                rows = [item["file_skus"].get(sku.pk, (None, sku)) for sku in skus]
                self._check_prices(product.price, rows, first=item["first"], rows_with_changes=item["price_rows"])
            if any(self.problems.has(row) for row in group.rows):
                group.failed = True
                continue
            for row in group.rows:
                action = UPDATE if edit.before else item["actions"][row.number]
                row.values[_PLAN] = _RowPlan(action, group)

    # All rows ---------------------------------------------------------------------------------------------

    def _finish(self) -> None:
        """A product's rows go together: a row without a problem of its own says which rows stop it."""
        for group in self.groups.values():
            bad = [row.number for row in group.rows if self.problems.has(row)]
            if bad or group.failed:
                group.failed = True
                group.draft = group.edit = None
                shown = ", ".join(str(number) for number in bad[:5]) + ("…" if len(bad) > 5 else "")
                for row in group.rows:
                    if not self.problems.has(row):
                        self.problems.add(
                            row,
                            "product_code",
                            _("Not imported: row %(rows)s of the same product has errors.") % {"rows": shown},
                        )
                continue
            if group.product is None:
                for row in group.rows:
                    row.values[_PLAN] = _RowPlan(CREATE, group)


def _clean_cost(cost: int) -> None:
    SKU._meta.get_field("cost").clean(cost, None)


def _see_detail(category: str, current: dict) -> dict:
    """Notice values for ``category``: the current entries of its items kept, the others "see detail page"."""
    return {
        key: current.get(key) if isinstance(current.get(key), dict) else {"value": "", "see_detail": True}
        for key, _label in notice.category_items(category)
    }


# Registration ----------------------------------------------------------------------------------------------


def register() -> None:
    """Called from CatalogConfig.ready(): the real fields and the importer of the "sku_list" kind (declared, with
    its label, area and key, by the spreadsheets registry)."""
    register_fields(KIND, sku_fields(), replace=True)
    register_importer(KIND, SkuListImporter())
