"""Courier labels (운송장), picking lists and packing lists as PDF, rendered with WeasyPrint.

``render_labels`` is the pure part: it reads every shipment's lines, orders, warehouse and contract
in a constant number of queries, builds one HTML document with one block per label (each ends with
``break-after: page``) and writes it once. ``labels_print`` is the user's action around it: the
claim gate, numbers from the contract's band where a shipment has none (or where a new one is
asked for), the print count and the print log.

Rendering rules (reference/stack.md §5):

* One ``FontConfiguration`` and the parsed stylesheets are kept per process and reused by every
  call; the Korean font (NanumGothic from ``fonts-nanum``) is loaded with ``@font-face`` from its
  file, so every machine embeds the same glyphs, with the family names as fall-back.
* Only ``data:`` URIs and local files under the font directories and ``MEDIA_ROOT`` are fetched
  (``weasyprint.URLFetcher(allowed_protocols={"data", "file"})`` plus a path check), whatever an
  order's text contains.
* WeasyPrint ignores ``word-break: keep-all`` and breaks Hangul between any two syllables: names,
  numbers and each space-separated unit of addresses and product names are ``nowrap`` spans.

The label's captions are Korean on purpose, whatever the user's language: a label is a courier
document read by the courier's sorters and drivers (like the Excel layouts' Korean headers).
Picking and packing lists are for the seller's own staff and follow the UI language.
"""

from __future__ import annotations

import atexit
import base64
import gc
import mimetypes
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.request import url2pathname

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from modules.core.masking import mask_address, mask_name, mask_phone
from modules.inventory.services import company_stock_settings as stock_settings
from modules.inventory.services import shipments_stock_follow
from modules.orders.bundles import bundle_label
from modules.orders.models import OrderLine
from modules.orders.status import OrderState

from .barcodes import Barcode, code128_svg
from .models import LABEL_FIELDS, CourierContract, LabelLayout, PrintLog, Shipment
from .services import courier_name, shipments_new_numbers

ALL_FIELDS = frozenset(key for key, _label in LABEL_FIELDS)
# Lines that are no longer in the parcel.
CLOSED_STATES = frozenset({OrderState.CANCELLED, OrderState.RETURNED, OrderState.EXCHANGED})
# (width, height) in mm of the label sizes LabelLayout offers.
LABEL_SIZES = {LabelLayout.Size.S100X150: (100, 150), LabelLayout.Size.S123X100: (123, 100)}
PAGE_MARGIN_MM = 2
FARE_KO = {
    CourierContract.Fare.CREDIT: "신용",
    CourierContract.Fare.PREPAID: "선불",
    CourierContract.Fare.COLLECT: "착불",
}
ORDER_NUMBERS_SHOWN = 3
ITEM_NAME_MAX = 40  # characters of a product name on a label; the rest is cut with "…"

# The Korean font: NanumGothic (Debian's fonts-nanum, installed by bin/system-packages).
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/nanum"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path("/usr/share/fonts"),
]
FONT_FILES = {"normal": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}
FONT_FALLBACK = '"NanumGothic", "Nanum Gothic", "Noto Sans CJK KR", "Noto Sans KR", sans-serif'


@dataclass
class LabelBatch:
    """One print run: the PDF, the shipments printed (in order) and those skipped with why."""

    pdf: bytes
    printed: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    pages: int = 0
    new_numbers: int = 0
    reprint: bool = False
    # Stores whose claims could not be re-pulled before printing (store pk -> why): their lines
    # were judged on the claims collected before, which the page should say.
    claims_unchecked: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LayoutSpec:
    """What a label shows: a LabelLayout snippet read once, or the built-in default."""

    name: str
    size: str
    fields: frozenset
    item_lines: int
    logo_url: str = ""

    @property
    def show(self) -> dict[str, bool]:
        return {key: key in self.fields for key in ALL_FIELDS}


BUILTIN_LAYOUT = LayoutSpec(name="", size=LabelLayout.Size.S100X150, fields=ALL_FIELDS, item_lines=3)


# Rendering machinery, one per process ---------------------------------------------------------------

_lock = threading.Lock()
_font_config = None
_stylesheets: dict[tuple[str, str], object] = {}


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """The NanumGothic files found on this machine ({} when the package is missing)."""
    found: dict[str, Path] = {}
    for weight, name in FONT_FILES.items():
        for directory in FONT_DIRS:
            direct = directory / name
            if direct.is_file():
                found[weight] = direct
                break
            if directory == Path("/usr/share/fonts") and directory.is_dir():
                match = next(iter(sorted(directory.rglob(name))), None)
                if match:
                    found[weight] = match
                    break
    return found


def _allowed_roots() -> list[Path]:
    roots = {path.parent.resolve() for path in font_files().values()}
    roots.add(Path(settings.MEDIA_ROOT).resolve())
    return sorted(roots)


def url_fetcher():
    """WeasyPrint's fetcher limited to data: URIs and files under the font directories and MEDIA_ROOT."""
    from weasyprint import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:5].lower() == "file:":
                path = Path(url2pathname(url.split("?")[0][5:])).resolve()
                if not any(path.is_relative_to(root) for root in _allowed_roots()):
                    raise ValueError(f"local file outside the allowed directories: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"data", "file"}, timeout=5)


def font_config():
    global _font_config
    with _lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
            atexit.register(_release)
        return _font_config


def _release() -> None:
    """Drop the shared configuration while the interpreter still works: its finaliser removes the
    temporary font folder and fails with a traceback when it runs during shutdown."""
    global _font_config
    _stylesheets.clear()
    _font_config = None
    gc.collect()


def _font_face_css() -> str:
    files = font_files()
    rules = [
        f'@font-face {{ font-family: "LabelKR"; font-weight: {"700" if weight == "bold" else "400"}; '
        f'src: url("{path.as_uri()}"); }}'
        for weight, path in files.items()
    ]
    if "normal" in files and "bold" not in files:  # bold synthesised from the regular file
        rules.append(
            f'@font-face {{ font-family: "LabelKR"; font-weight: 700; src: url("{files["normal"].as_uri()}"); }}'
        )
    family = f'"LabelKR", {FONT_FALLBACK}' if files else FONT_FALLBACK
    return "\n".join(rules) + f"\n:root {{ --font: {family}; }}\nhtml {{ font-family: {family}; }}\n"


def stylesheet(kind: str, size: str = ""):
    """The parsed CSS of ``kind`` ("label" or "list") for ``size``, parsed once per process."""
    key = (kind, size)
    css = _stylesheets.get(key)
    if css is not None:
        return css
    from weasyprint import CSS

    if kind == "label":
        width, height = LABEL_SIZES[size]
        page = f"@page {{ size: {width}mm {height}mm; margin: {PAGE_MARGIN_MM}mm; }}"
        context = {
            "inner_w": width - 2 * PAGE_MARGIN_MM,
            "inner_h": height - 2 * PAGE_MARGIN_MM,
        }
    else:
        page = (
            "@page { size: A4; margin: 12mm 10mm 14mm; "
            "@bottom-right { content: counter(page) ' / ' counter(pages); font-size: 8pt; } }"
        )
        context = {}
    source = get_template(f"shipping/pdf/{kind}.css").render(context)
    css = CSS(
        string=f"{_font_face_css()}\n{page}\n{source}",
        font_config=font_config(),
        url_fetcher=url_fetcher(),
    )
    with _lock:
        _stylesheets.setdefault(key, css)
    return _stylesheets[key]


@dataclass
class Rendered:
    pdf: bytes
    pages: int


def html_to_pdf(html: str, stylesheets: Sequence) -> Rendered:
    """One WeasyPrint write of ``html`` with the shared font configuration."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.MEDIA_ROOT), url_fetcher=url_fetcher()).render(
        stylesheets=list(stylesheets), font_config=font_config()
    )
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


# Text helpers ---------------------------------------------------------------------------------------


WORD_JOINER = "\u2060"


def keep(text: str) -> SafeString:
    """``text`` escaped, with a word joiner (U+2060) between the characters of each space-separated
    unit: lines break at spaces only, as ``word-break: keep-all`` would (WeasyPrint ignores it).

    The joiners do what a ``white-space: nowrap`` span per unit does, without an inline box per
    unit: on a label with ~40 units the spans made rendering 1.7 times slower. They are invisible
    and not extracted (pdftotext and copy-paste give the plain text)."""
    return format_html_join(" ", "{}", ((WORD_JOINER.join(word),) for word in (text or "").split()))


def format_tracking(number: str) -> str:
    """1234-5678-9012: digits in groups of four from the left (how couriers print them)."""
    number = number or ""
    if not number.isdigit() or len(number) < 9:
        return number
    return "-".join(number[i : i + 4] for i in range(0, len(number), 4))


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _local(when: datetime | None) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


def _phones(*values: str) -> str:
    return " / ".join(mask_phone(value) for value in values if value)


# Layout ---------------------------------------------------------------------------------------------


def _logo_url(image) -> str:
    """The layout's logo as a local file URL (a small rendition) or, off local storage, a data: URI."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition("max-600x200")
        return Path(rendition.file.path).resolve().as_uri()
    except (NotImplementedError, AttributeError):
        pass  # storage without local paths
    except (OSError, ValueError):
        return ""  # file missing or unreadable: print without the logo
    try:
        with image.open_file() as handle:
            data = handle.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(image.file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def layout_spec(layout: LabelLayout | int | None = None) -> LayoutSpec:
    """The layout to print with: the one given (object or pk), else the default snippet, else the
    built-in one (100×150, every field). A layout that picks no fields prints them all."""
    if isinstance(layout, int | str):
        layout = LabelLayout.objects.select_related("logo").get(pk=layout)
    elif layout is None:
        layout = LabelLayout.objects.select_related("logo").order_by("-is_default", "name").first()
    if layout is None:
        return BUILTIN_LAYOUT
    fields = frozenset(layout.fields or ()) & ALL_FIELDS or ALL_FIELDS
    size = layout.size if layout.size in LABEL_SIZES else BUILTIN_LAYOUT.size
    logo = _logo_url(layout.logo) if "logo" in fields and layout.logo_id else ""
    return LayoutSpec(
        name=layout.name, size=size, fields=fields, item_lines=max(1, layout.item_lines or 1), logo_url=logo
    )


# Reading --------------------------------------------------------------------------------------------

LINE_FIELDS = (
    "id",
    "bundle_id",
    "order_id",
    "state",
    "product_name",
    "option_name",
    "quantity",
    "seller_code",
    "sku_id",
    "sku__seller_code",
    "sku__option_label",
    "sku__barcode",
    "sku__product__name",
    "order__channel_order_id",
    "order__receiver_name",
    "order__receiver_phone1",
    "order__receiver_phone2",
    "order__zip_code",
    "order__address1",
    "order__address2",
    "order__delivery_message",
)


def _ids(shipments: Iterable) -> list[int]:
    ids, seen = [], set()
    for item in shipments:
        pk = item.pk if isinstance(item, Shipment) else int(item)
        if pk not in seen:
            seen.add(pk)
            ids.append(pk)
    return ids


def load_shipments(shipment_ids: Sequence[int]) -> tuple[dict[int, Shipment], dict[int, list[dict]]]:
    """The shipments (with warehouse, contract and its boxes) and each one's live lines as dicts:
    three queries whatever the count."""
    shipments = {
        s.pk: s
        for s in Shipment.objects.filter(pk__in=shipment_ids)
        .select_related("warehouse", "contract")
        .prefetch_related("contract__boxes")
    }
    by_bundle = {s.bundle_id: s.pk for s in shipments.values() if s.bundle_id}
    lines: dict[int, list[dict]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(bundle_id__in=list(by_bundle))
        .exclude(state__in=CLOSED_STATES)
        .order_by("order_id", "id")
        .values(*LINE_FIELDS)
    )
    for row in rows:
        lines[by_bundle[row["bundle_id"]]].append(row)
    return shipments, lines


# Labels ---------------------------------------------------------------------------------------------


@dataclass
class LabelData:
    """One label's printable values, escaped and with words kept whole (see ``keep``)."""

    shipment_id: int
    courier: str
    number: SafeString
    barcode: Barcode
    barcode_small_mm: float
    receiver_name: SafeString
    receiver_phone: SafeString
    address: SafeString
    zip_code: str
    sender_name: SafeString
    sender_phone: SafeString
    sender_address: SafeString
    items: list[SafeString]
    items_more: int
    quantity: int
    message: SafeString
    box: SafeString
    fare: SafeString
    order_numbers: SafeString
    bundle: str
    printed_at: SafeString
    count: str
    reprint: bool
    print_count: int


def _box_and_fare(shipment: Shipment) -> tuple[str, str]:
    """The box (by code or name, else the contract's first box) and the fare: 신용/선불/착불 and
    the box's price."""
    contract = shipment.contract
    if contract is None:
        return shipment.box_size, ""
    boxes = list(contract.boxes.all())  # prefetched
    box = next((b for b in boxes if shipment.box_size in (b.code, b.name)), None) if shipment.box_size else None
    if box is None and not shipment.box_size and boxes:
        box = boxes[0]  # the contract's first box is the default parcel
    box_text = box.name if box else shipment.box_size
    fare = FARE_KO.get(contract.fare, contract.get_fare_display())
    if box and box.price:
        fare = f"{fare} {box.price:,}원"
    return box_text, fare


def _item_text(row: dict) -> SafeString:
    """상품명 옵션 x수량, the name cut to ITEM_NAME_MAX characters."""
    name = row["sku__product__name"] or row["product_name"]
    option = row["sku__option_label"] if row["sku_id"] else row["option_name"]
    text = _cut(f"{name} {option}".strip(), ITEM_NAME_MAX)
    return format_html("{} <b>x{}</b>", keep(text), row["quantity"])


def _order_numbers(lines: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["order__channel_order_id"] for row in lines))


def label_data(shipment: Shipment, lines: list[dict], spec: LayoutSpec, printed_at: datetime) -> LabelData:
    first = lines[0]
    warehouse = shipment.warehouse
    box, fare = _box_and_fare(shipment)
    numbers = _order_numbers(lines)
    shown = format_html_join(", ", "{}", ((keep(number),) for number in numbers[:ORDER_NUMBERS_SHOWN]))
    if len(numbers) > ORDER_NUMBERS_SHOWN:
        shown = format_html("{} {}", shown, keep(f"외 {len(numbers) - ORDER_NUMBERS_SHOWN}건"))
    message = next((row["order__delivery_message"] for row in lines if row["order__delivery_message"]), "")
    width, _height = LABEL_SIZES[spec.size]
    barcode = code128_svg(shipment.tracking_number, height_mm=14 if width == 100 else 12, max_width_mm=68)
    courier = shipment.courier or (shipment.contract.courier if shipment.contract else "")
    return LabelData(
        shipment_id=shipment.pk,
        courier=courier_name(courier),
        number=keep(format_tracking(shipment.tracking_number)),
        barcode=barcode,
        barcode_small_mm=barcode.width_at(max_width_mm=40),
        receiver_name=keep(mask_name(first["order__receiver_name"])),
        receiver_phone=keep(_phones(first["order__receiver_phone1"], first["order__receiver_phone2"])),
        address=keep(f"{first['order__address1']} {first['order__address2']}"),
        zip_code=first["order__zip_code"],
        sender_name=keep(warehouse.name if warehouse else ""),
        sender_phone=keep(" / ".join(p for p in (warehouse.phone1, warehouse.phone2) if p) if warehouse else ""),
        sender_address=keep(warehouse.address if warehouse else ""),
        items=[_item_text(row) for row in lines[: spec.item_lines]],
        items_more=max(0, len(lines) - spec.item_lines),
        quantity=sum(row["quantity"] for row in lines),
        message=keep(_cut(message, 80)),
        box=keep(box),
        fare=keep(fare),
        order_numbers=shown,
        bundle=bundle_label(shipment.bundle_id),
        printed_at=keep(_local(printed_at)),
        count="1/1",
        reprint=shipment.print_count > 0,
        print_count=shipment.print_count + 1,
    )


def labels_html(labels: Sequence[LabelData], spec: LayoutSpec) -> str:
    return render_to_string("shipping/pdf/label.html", {"labels": labels, "spec": spec, "show": spec.show})


def render_labels(
    *, shipments: Iterable[Shipment | int], layout: LabelLayout | LayoutSpec | int | None = None, printed_at=None
) -> LabelBatch:
    """One PDF with a label per shipment that has a tracking number, in the order given; the others
    are listed in ``skipped`` with the reason. Reads the database, writes nothing."""
    spec = layout if isinstance(layout, LayoutSpec) else layout_spec(layout)
    printed_at = printed_at or timezone.now()
    ids = _ids(shipments)
    found, lines_of = load_shipments(ids)
    batch = LabelBatch(pdf=b"")
    labels = []
    for pk in ids:
        shipment = found.get(pk)
        if shipment is None:
            batch.skipped.append((pk, _("No such shipment.")))
        elif not shipment.tracking_number:
            batch.skipped.append((pk, _("No tracking number")))
        elif not lines_of.get(pk):
            batch.skipped.append((pk, _("No order lines to ship.")))
        else:
            labels.append(label_data(shipment, lines_of[pk], spec, printed_at))
            batch.printed.append(pk)
            batch.reprint = batch.reprint or shipment.print_count > 0
    if labels:
        rendered = html_to_pdf(labels_html(labels, spec), [stylesheet("label", spec.size)])
        batch.pdf, batch.pages = rendered.pdf, rendered.pages
    return batch


def _username(user) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else ""


def _log_user(user):
    return user if getattr(user, "is_authenticated", False) else None


def labels_print(
    *,
    shipment_ids: Iterable[int],
    layout: LabelLayout | int | None = None,
    user=None,
    new_numbers: bool = False,
    adapter_factory=None,
) -> LabelBatch:
    """운송장 출력: the claim gate, new numbers where needed, one PDF, the print count and a PrintLog.

    A shipment with a line under an open cancel or return request is skipped with the gate's
    reason. A shipment without a number takes one from its contract's number band when the
    contract has one; ``new_numbers=True`` (a reprint asking for a new number) takes a new one for
    every shipment and keeps the old one in the number history. Otherwise a reprint keeps the number.
    """
    from modules.orders.claims import claims_gate

    ids = _ids(shipment_ids)
    spec = layout_spec(layout)
    shipments = {s.pk: s for s in Shipment.objects.filter(pk__in=ids).select_related("contract").order_by()}
    skipped: dict[int, str] = {pk: _("No such shipment.") for pk in ids if pk not in shipments}
    by_bundle = {s.bundle_id: s.pk for s in shipments.values() if s.bundle_id}
    lines = list(
        OrderLine.objects.filter(bundle_id__in=list(by_bundle))
        .exclude(state__in=CLOSED_STATES)
        .select_related("order")
        .only(
            "id",
            "bundle_id",
            "order_id",
            "store_id",
            "channel_line_id",
            "claim_type",
            "claim_state",
            "state",
            "order__channel_order_id",
        )
    )
    gate = claims_gate(lines=lines, adapter_factory=adapter_factory, user=user, record_as="print_label")
    for line in lines:
        reason = gate.blocked.get(line.pk)
        if reason:
            skipped.setdefault(by_bundle[line.bundle_id], reason)

    open_ids = [pk for pk in ids if pk in shipments and pk not in skipped]
    wanted = [
        shipments[pk]
        for pk in open_ids
        if new_numbers
        or (not shipments[pk].tracking_number and shipments[pk].contract and shipments[pk].contract.number_from)
    ]
    taken = 0
    if wanted:
        for result in shipments_new_numbers(shipments=wanted, user=_log_user(user)):
            if result.ok:
                taken += 1
            else:
                skipped[result.shipment_id] = result.message or result.code

    now = timezone.now()
    batch = render_labels(shipments=[pk for pk in open_ids if pk not in skipped], layout=spec, printed_at=now)
    batch.new_numbers = taken
    batch.claims_unchecked = dict(gate.failed)
    position = {pk: index for index, pk in enumerate(ids)}
    batch.skipped = sorted([*skipped.items(), *batch.skipped], key=lambda item: position.get(item[0], 0))
    with transaction.atomic():
        if batch.printed:
            Shipment.objects.filter(pk__in=batch.printed).update(
                print_count=F("print_count") + 1, printed_at=now, updated_at=now
            )
            # Where the company takes stock out at printing, the printed parcels' goods leave now.
            if stock_settings().stock_outbound_point == "label_printed":
                shipments_stock_follow(shipment_ids=batch.printed, user=user)
        PrintLog.objects.create(
            kind=PrintLog.Kind.LABELS,
            user=_log_user(user),
            username=_username(user),
            layout_name=spec.name,
            shipment_ids=ids,
            printed=len(batch.printed),
            skipped=[{"shipment_id": pk, "reason": str(reason)} for pk, reason in batch.skipped],
            reprint=batch.reprint,
            new_numbers=taken,
            pages=batch.pages,
        )
    return batch


# Picking and packing lists --------------------------------------------------------------------------


@dataclass
class PickRow:
    seller_code: str
    product: str
    option: str
    barcode: str
    quantity: int = 0
    shipments: set = field(default_factory=set)


def picking_rows(shipments: dict[int, Shipment], lines_of: dict[int, list[dict]]) -> list[PickRow]:
    """Quantities to pick over the batch, one row per SKU (or per seller code, product and option
    for lines not matched to a SKU), sorted by seller code."""
    rows: dict[tuple, PickRow] = {}
    for shipment_id, lines in lines_of.items():
        for line in lines:
            if line["sku_id"]:
                key = ("sku", line["sku_id"])
                row = rows.get(key) or PickRow(
                    line["sku__seller_code"],
                    line["sku__product__name"],
                    line["sku__option_label"],
                    line["sku__barcode"],
                )
            else:
                key = ("line", line["seller_code"], line["product_name"], line["option_name"])
                row = rows.get(key) or PickRow(line["seller_code"], line["product_name"], line["option_name"], "")
            row.quantity += line["quantity"]
            row.shipments.add(shipment_id)
            rows[key] = row
    return sorted(rows.values(), key=lambda r: (r.seller_code == "", r.seller_code, r.product, r.option))


@dataclass
class PackSection:
    shipment_id: int
    bundle: str
    courier: str
    number: str
    order_numbers: list[str]
    receiver: str
    phone: str
    address: str
    message: str
    items: list[dict]
    quantity: int


def pack_sections(
    ids: Sequence[int], shipments: dict[int, Shipment], lines_of: dict[int, list[dict]]
) -> list[PackSection]:
    sections = []
    for pk in ids:
        shipment, lines = shipments.get(pk), lines_of.get(pk)
        if shipment is None or not lines:
            continue
        first = lines[0]
        sections.append(
            PackSection(
                shipment_id=pk,
                bundle=bundle_label(shipment.bundle_id),
                courier=courier_name(shipment.courier),
                number=format_tracking(shipment.tracking_number),
                order_numbers=_order_numbers(lines),
                receiver=mask_name(first["order__receiver_name"]),
                phone=_phones(first["order__receiver_phone1"], first["order__receiver_phone2"]),
                address=mask_address(first["order__address1"], first["order__address2"]),
                message=next((r["order__delivery_message"] for r in lines if r["order__delivery_message"]), ""),
                items=[
                    {
                        "seller_code": r["sku__seller_code"] or r["seller_code"],
                        "product": r["sku__product__name"] or r["product_name"],
                        "option": r["sku__option_label"] if r["sku_id"] else r["option_name"],
                        "quantity": r["quantity"],
                    }
                    for r in lines
                ],
                quantity=sum(r["quantity"] for r in lines),
            )
        )
    return sections


def _list_pdf(template: str, context: dict) -> Rendered:
    html = render_to_string(template, {**context, "printed_at": _local(timezone.now()), "lang": get_language() or "ko"})
    return html_to_pdf(html, [stylesheet("list")])


def _log_list(*, kind: str, ids: list[int], printed: int, pages: int, user) -> None:
    PrintLog.objects.create(
        kind=kind, user=_log_user(user), username=_username(user), shipment_ids=ids, printed=printed, pages=pages
    )


def picking_list(*, shipment_ids: Iterable[int], user=None) -> bytes:
    """피킹 리스트 (A4): the total quantity of each SKU to pick for the batch, by seller code, and
    the shipments of the batch."""
    ids = _ids(shipment_ids)
    shipments, lines_of = load_shipments(ids)
    rows = picking_rows(shipments, lines_of)
    listed = [
        {
            "id": pk,
            "bundle": bundle_label(shipments[pk].bundle_id),
            "courier": courier_name(shipments[pk].courier),
            "number": format_tracking(shipments[pk].tracking_number),
            "receiver": mask_name(lines_of[pk][0]["order__receiver_name"]),
            "lines": len(lines_of[pk]),
            "quantity": sum(r["quantity"] for r in lines_of[pk]),
        }
        for pk in ids
        if pk in shipments and lines_of.get(pk)
    ]
    rendered = _list_pdf(
        "shipping/pdf/picking.html",
        {"rows": rows, "shipments": listed, "total": sum(r.quantity for r in rows)},
    )
    _log_list(kind=PrintLog.Kind.PICKING, ids=ids, printed=len(listed), pages=rendered.pages, user=user)
    return rendered.pdf


def packing_list(*, shipment_ids: Iterable[int], user=None) -> bytes:
    """패킹 리스트 (A4): one section per shipment with its orders, items and quantities, the masked
    receiver and the delivery message, to check each parcel as it is packed."""
    ids = _ids(shipment_ids)
    shipments, lines_of = load_shipments(ids)
    sections = pack_sections(ids, shipments, lines_of)
    rendered = _list_pdf("shipping/pdf/packing.html", {"sections": sections})
    _log_list(kind=PrintLog.Kind.PACKING, ids=ids, printed=len(sections), pages=rendered.pages, user=user)
    return rendered.pdf
