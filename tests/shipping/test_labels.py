"""Courier labels, picking and packing lists as PDF: what the PDF says (poppler's pdftotext), its
fonts (pdffonts), that the page has ink (pdftoppm + Pillow), masking, skipped shipments, reprints
with and without a new number, the claim gate, a 1,000-label batch, query counts, the print log."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from PIL import Image as PILImage
from wagtail.images import get_image_model

from integrations.channels.base import CourierCode
from integrations.couriers import tracking
from modules.orders.actions import order_acknowledge
from modules.orders.models import OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.shipping import services
from modules.shipping.barcodes import code128_modules, code128_svg
from modules.shipping.labels import (
    WORD_JOINER,
    format_tracking,
    keep,
    labels_print,
    packing_list,
    picking_list,
    render_labels,
    url_fetcher,
)
from modules.shipping.models import LabelLayout, PrintLog, Shipment, ShipmentNumber, ShipmentState
from tests.channels.conftest import fast_adapter
from tests.orders.test_collect_and_actions import collect_all
from tests.shipping.conftest import CJ_BAND, RECEIVER

pytestmark = pytest.mark.django_db

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils missing: run bin/system-packages test")
FULL_ADDRESS = f"{RECEIVER['address1']} {RECEIVER['address2']}"


def _run(*args: str, data: bytes) -> str:
    return subprocess.run([*args], input=data, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text with every run of whitespace (line ends included) as one space; ``layout``
    keeps table rows together (pdftotext -layout)."""
    options = ["-layout"] if layout else []
    return " ".join(_run("pdftotext", *options, "-enc", "UTF-8", "-", "-", data=pdf).split())


def pdf_pages(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", "-", data=pdf), re.M).group(1))


def pdf_page_size_mm(pdf: bytes) -> tuple[int, int]:
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", "-", data=pdf), re.M).groups()
    return round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)


def pdf_fonts(pdf: bytes, tmp_path) -> list[tuple[str, str]]:
    """(name, emb) of each font; pdffonts reads files only."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def dark_share(pdf: bytes, tmp_path, page: int = 1) -> float:
    """Share of clearly dark pixels on a page rendered at 50 dpi."""
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), "-singlefile", "-", str(prefix)],
        input=pdf,
        check=True,
    )
    image = PILImage.open(f"{prefix}.png").convert("L").convert("L")
    histogram = image.histogram()
    return sum(histogram[:100]) / sum(histogram)


def decode_code128_c(pdf: bytes, tmp_path) -> list[str]:
    """Read the Code128 (set C) barcodes back from page 1 rendered at 300 dpi: the pixel row with the
    most black/white changes, its run lengths turned into modules, the symbols looked up in
    python-barcode's table and the check symbol verified. One string per barcode found on rows."""
    prefix = tmp_path / "scan"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-singlefile", "-png", "-", str(prefix)], input=pdf, check=True)
    image = PILImage.open(f"{prefix}.png").convert("L")
    width, height = image.size
    pixels = image.load()
    found = []
    for y in range(0, height, 4):
        row = [pixels[x, y] < 128 for x in range(width)]
        # Widths of the runs between colour changes, starting with the first dark run.
        bars, start = [], None
        for x in range(1, width):
            if row[x] != row[x - 1]:
                if start is not None:
                    bars.append(x - start)
                elif not row[x]:
                    continue  # wait for a run that starts dark
                start = x
        if len(bars) < 31:
            continue
        symbols = (len(bars) - 7) // 6
        text = _decode_runs(bars, symbols)
        if text and text not in found:
            found.append(text)
    return found


def _decode_runs(bars: list[int], symbols: int) -> str:
    from barcode.charsets.code128 import CODES, START_CODES, STOP

    for offset in range(0, len(bars) - (6 * symbols + 7) + 1):
        window = bars[offset : offset + 6 * symbols + 7]
        module = sum(window) / (11 * symbols + 13)
        modules = "".join(
            ("1" if index % 2 == 0 else "0") * max(1, round(length / module)) for index, length in enumerate(window)
        )
        if len(modules) != 11 * symbols + 13 or not modules.endswith(STOP + "11"):
            continue
        values = [
            CODES.index(modules[i : i + 11]) if modules[i : i + 11] in CODES else None
            for i in range(0, 11 * symbols, 11)
        ]
        if None in values or values[0] != START_CODES["C"]:
            continue
        *data, check = values[1:]
        if (values[0] + sum(i * v for i, v in enumerate(data, 1))) % 103 != check:
            continue
        return "".join(f"{value:02d}" for value in data)
    return ""


def _factory(store):
    return lambda _store: fast_adapter(store)


# Helpers -------------------------------------------------------------------------------------------


def test_tracking_numbers_print_in_groups_of_four():
    assert format_tracking("600000000003") == "6000-0000-0003"
    assert format_tracking("1234567890") == "1234-5678-90"
    assert format_tracking("RR473124829KR") == "RR473124829KR"
    assert format_tracking("") == ""


def test_keep_joins_the_characters_of_each_unit_and_escapes():
    assert keep("대한 <b>") == f"대{WORD_JOINER}한 &lt;{WORD_JOINER}b{WORD_JOINER}&gt;"
    assert keep("") == ""


def test_barcode_is_code128_as_a_vector_path_with_quiet_zones():
    number = "600000000003"
    modules = code128_modules(number)
    # Start C, six digit pairs, check symbol: 8 symbols of 11 modules, then the 13-module stop.
    assert len(modules) == 8 * 11 + 13 and modules.startswith("11010011100")  # Start C
    barcode = code128_svg(number, height_mm=14, max_width_mm=68)
    assert barcode.modules == len(modules) + 20
    assert barcode.width_mm == pytest.approx(barcode.modules * 0.5)  # 4-dot modules fit in 68 mm
    assert barcode.uri.startswith("data:image/svg+xml;base64,")
    # A long UPU number does not fit at 0.5 mm: a narrower module is chosen, never wider than allowed.
    assert code128_svg("RR473124829KR", max_width_mm=68).width_mm <= 68


def test_only_data_and_local_files_under_the_allowed_folders_are_fetched(tmp_path):
    fetcher = url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError, match="outside the allowed"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain;base64,7JWI64WV").read() == "안녕".encode()


# Labels --------------------------------------------------------------------------------------------


@needs_poppler
def test_label_pdf_has_the_address_and_number_embeds_the_font_and_is_not_blank(make_shipment, tmp_path):
    shipment = make_shipment(n_lines=2)
    batch = labels_print(shipment_ids=[shipment.pk])
    assert batch.printed == [shipment.pk] and batch.skipped == [] and batch.pages == 1
    assert batch.pdf.startswith(b"%PDF-")
    text = pdf_text(batch.pdf)
    assert FULL_ADDRESS in text
    assert format_tracking(shipment.tracking_number) in text
    assert WORD_JOINER not in text  # joiners keep words whole and are not extracted
    for expected in ("CJ대한통운", "장터상회 물류센터", "031-123-4567", "경기도 고양시 덕양구 화정로 45 B동 2층"):
        assert expected in text
    for expected in (
        "무선 마우스 블랙 x1",
        "기계식 키보드 갈축 / 화이트 x2",
        RECEIVER["delivery_message"],
        "극소",
        "신용",
    ):
        assert expected in text
    assert "06236" in text and "매수 1/1" in text and "재출력" not in text
    fonts = pdf_fonts(batch.pdf, tmp_path)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    assert any("LabelKR" in name or "Nanum" in name for name, _emb in fonts), fonts
    assert dark_share(batch.pdf, tmp_path) > 0.03
    assert pdf_page_size_mm(batch.pdf) == (100, 150)
    # The printed barcodes read back as the tracking number (and as nothing else).
    assert decode_code128_c(batch.pdf, tmp_path) == [shipment.tracking_number]


@needs_poppler
def test_receiver_name_and_phone_are_masked(make_shipment):
    shipment = make_shipment(receiver={"receiver_phone2": "0504-2222-4321"})
    text = pdf_text(render_labels(shipments=[shipment]).pdf)
    assert "홍*동" in text and "010-1234-****" in text and "0504-2222-****" in text
    assert "홍길동" not in text and "5678" not in text and "4321" not in text


@needs_poppler
def test_layout_size_fields_and_logo(make_shipment, tmp_path):
    buffer = BytesIO()
    PILImage.new("RGB", (300, 100), (10, 10, 10)).save(buffer, "PNG")
    logo = get_image_model()(title="로고", file=ImageFile(BytesIO(buffer.getvalue()), name="logo.png"))
    logo.save()
    layout = LabelLayout.objects.create(
        name="CJ 표준",
        size=LabelLayout.Size.S123X100,
        fields=["logo", "tracking_barcode", "receiver", "receiver_address", "items"],
        item_lines=1,
        logo=logo,
        is_default=True,
    )
    shipment = make_shipment(n_lines=3)
    batch = render_labels(shipments=[shipment])  # the default layout
    assert pdf_page_size_mm(batch.pdf) == (123, 100)
    text = pdf_text(batch.pdf)
    assert FULL_ADDRESS in text and "무선 마우스 블랙 x1" in text and "…외 2건" in text
    assert "장터상회 물류센터" not in text  # sender not in this layout's fields
    assert RECEIVER["delivery_message"] not in text
    images = subprocess.run(["pdfimages", "-list", "-"], input=batch.pdf, capture_output=True, check=False)
    if images.returncode == 0:
        assert b"image" in images.stdout  # the logo is a raster image in the PDF
    layout.delete()
    assert pdf_page_size_mm(render_labels(shipments=[shipment]).pdf) == (100, 150)  # built-in default


@needs_poppler
def test_a_shipment_without_number_is_skipped_and_the_rest_print(make_shipment, contract):
    contract.number_from = contract.number_to = ""
    contract.save()
    first, waiting, last = make_shipment(), make_shipment(tracking_number=""), make_shipment()
    batch = labels_print(shipment_ids=[first.pk, waiting.pk, last.pk])
    assert batch.printed == [first.pk, last.pk] and batch.pages == 2 == pdf_pages(batch.pdf)
    assert batch.skipped == [(waiting.pk, gettext("No tracking number"))]
    text = pdf_text(batch.pdf)
    assert format_tracking(first.tracking_number) in text and format_tracking(last.tracking_number) in text
    waiting.refresh_from_db()
    assert waiting.print_count == 0 and waiting.printed_at is None
    log = PrintLog.objects.get()
    assert (log.kind, log.printed, log.pages, log.new_numbers, log.reprint) == (PrintLog.Kind.LABELS, 2, 2, 0, False)
    assert log.shipment_ids == [first.pk, waiting.pk, last.pk]
    assert log.skipped == [{"shipment_id": waiting.pk, "reason": batch.skipped[0][1]}]


@needs_poppler
def test_a_shipment_without_number_takes_one_from_the_contract_band(make_shipment, make_user):
    user = make_user("출고담당")
    waiting = make_shipment(tracking_number="", n_lines=2)
    batch = labels_print(shipment_ids=[waiting.pk], user=user)
    assert batch.printed == [waiting.pk] and batch.new_numbers == 1
    waiting.refresh_from_db()
    assert waiting.tracking_number == tracking.compose(CourierCode.CJ, CJ_BAND[0])
    assert waiting.state == ShipmentState.REGISTERED and waiting.print_count == 1
    assert set(OrderLine.objects.filter(bundle_id=waiting.bundle_id).values_list("tracking_number", "state")) == {
        (waiting.tracking_number, OrderState.INVOICE_REGISTERED)
    }
    number = ShipmentNumber.objects.get(shipment=waiting)
    assert number.source == ShipmentNumber.Source.BAND and number.user == user
    assert format_tracking(waiting.tracking_number) in pdf_text(batch.pdf)
    log = PrintLog.objects.get()
    assert (log.user, log.username, log.new_numbers) == (user, "출고담당", 1)


@needs_poppler
def test_a_reprint_keeps_the_number_and_is_marked(make_shipment):
    shipment = make_shipment()
    number = shipment.tracking_number
    labels_print(shipment_ids=[shipment.pk])
    again = labels_print(shipment_ids=[shipment.pk])
    shipment.refresh_from_db()
    assert shipment.tracking_number == number and shipment.print_count == 2 and shipment.printed_at
    assert again.reprint and again.new_numbers == 0
    text = pdf_text(again.pdf)
    assert format_tracking(number) in text and "재출력 2" in text
    assert ShipmentNumber.objects.filter(shipment=shipment).count() == 1
    assert list(PrintLog.objects.order_by("id").values_list("reprint", flat=True)) == [False, True]


@needs_poppler
def test_a_reprint_asking_for_a_new_number_takes_one_from_the_band(make_shipment):
    shipment = make_shipment(print_count=1)
    old = shipment.tracking_number
    batch = labels_print(shipment_ids=[shipment.pk], new_numbers=True)
    shipment.refresh_from_db()
    new = tracking.compose(CourierCode.CJ, CJ_BAND[0])
    assert shipment.tracking_number == new != old
    assert batch.new_numbers == 1 and batch.reprint and batch.printed == [shipment.pk]
    history = {n.tracking_number: n for n in ShipmentNumber.objects.filter(shipment=shipment)}
    assert history[old].replaced_at is not None and history[new].replaced_at is None
    assert history[new].source == ShipmentNumber.Source.BAND
    text = pdf_text(batch.pdf)
    assert format_tracking(new) in text and format_tracking(old) not in text
    log = PrintLog.objects.get()
    assert log.reprint and log.new_numbers == 1


def test_a_new_number_is_refused_once_the_invoice_was_sent(make_shipment):
    shipment = make_shipment(line_state=OrderState.INVOICE_SENT)
    batch = labels_print(shipment_ids=[shipment.pk], new_numbers=True)
    assert batch.printed == [] and batch.pdf == b"" and batch.skipped[0][0] == shipment.pk
    shipment.refresh_from_db()
    assert shipment.print_count == 0
    assert PrintLog.objects.get().skipped[0]["shipment_id"] == shipment.pk


def test_the_claim_gate_skips_a_parcel_with_an_open_cancel_request(sandbox_store, warehouse):
    store, sandbox = sandbox_store("coupang")
    sandbox.create_orders(2)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).select_related("order", "store"))
    assert all(r.ok for r in order_acknowledge(lines=lines, adapter_factory=_factory(store)))
    bundle_ids = sorted(set(OrderLine.objects.filter(store=store).values_list("bundle_id", flat=True)))
    shipments = [services.shipments_for_bundles(bundle_ids=bundle_ids)[pk] for pk in bundle_ids]
    numbers = [tracking.compose(CourierCode.CJ, f"5{index:010d}") for index in (901, 902)]
    assert all(
        r.ok
        for r in services.invoices_register(entries=[(s, "CJ", n) for s, n in zip(shipments, numbers, strict=True)])
    )
    sandbox.create_claim("cancel")  # the buyer asks to cancel one parcel at the channel
    calls = []

    def factory(target):
        calls.append(target.pk)
        return fast_adapter(store)

    batch = labels_print(shipment_ids=[s.pk for s in shipments], adapter_factory=factory)
    assert calls == [store.pk]  # claims re-pulled once for the store
    assert len(batch.printed) == 1 and len(batch.skipped) == 1
    blocked_id, reason = batch.skipped[0]
    assert "취소" in reason or "cancel" in reason
    blocked = Shipment.objects.get(pk=blocked_id)
    assert blocked.print_count == 0
    assert OrderEvent.objects.filter(kind="claim_gate", new="print_label", line__bundle_id=blocked.bundle_id).exists()
    assert PrintLog.objects.get().skipped == [{"shipment_id": blocked_id, "reason": reason}]
    assert batch.claims_unchecked == {}


def test_labels_print_when_the_claims_cannot_be_re_pulled_and_say_so(make_store, make_shipment):
    store = make_store("naver", "스마트스토어", fresh_claims=False)
    shipment = make_shipment(store=store)

    def unreachable(_store):
        raise RuntimeError("channel unreachable")

    batch = labels_print(shipment_ids=[shipment.pk], adapter_factory=unreachable)
    assert batch.printed == [shipment.pk] and batch.skipped == []
    assert batch.claims_unchecked == {store.pk: "channel unreachable"}


@needs_poppler
def test_a_thousand_labels_make_one_pdf_of_a_thousand_pages(make_shipments):
    shipments = make_shipments(1000)
    started = time.perf_counter()
    batch = labels_print(shipment_ids=[s.pk for s in shipments])
    elapsed = time.perf_counter() - started
    assert elapsed < 120, f"1,000 labels took {elapsed:.0f}s"  # about 60 s on a slow 2-core VM
    assert batch.pages == 1000 == len(batch.printed) and batch.skipped == []
    assert pdf_pages(batch.pdf) == 1000
    assert Shipment.objects.filter(pk__in=batch.printed, print_count=1).count() == 1000
    assert PrintLog.objects.get().pages == 1000


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_rendering_reads_the_database_in_a_constant_number_of_queries(make_shipments, django_assert_max_num_queries):
    few = make_shipments(2, n_lines=2)
    many = make_shipments(20, n_lines=3)
    render_labels(shipments=few)  # warm: template and stylesheet loading
    small = _queries(lambda: render_labels(shipments=few))
    large = _queries(lambda: render_labels(shipments=many))
    assert small == large
    with django_assert_max_num_queries(4):  # layout, shipments, their boxes, the lines
        render_labels(shipments=many)
    labels_print(shipment_ids=[s.pk for s in few])  # warm: the company settings row is made once
    printed_small = _queries(lambda: labels_print(shipment_ids=[s.pk for s in few]))
    printed_large = _queries(lambda: labels_print(shipment_ids=[s.pk for s in many]))
    assert printed_small == printed_large


# Lists ---------------------------------------------------------------------------------------------


@needs_poppler
def test_picking_list_totals_each_item_over_the_batch(make_shipments, make_user, tmp_path):
    user = make_user("피킹")
    shipments = make_shipments(3, n_lines=3) + make_shipments(1, n_lines=1)
    pdf = picking_list(shipment_ids=[s.pk for s in shipments], user=user)
    text = pdf_text(pdf, layout=True)
    # Lines cycle through MOUSE-BK (qty 1), KB-BR-WH (2), STAND-01 (3): 4 mice, 6 keyboards, 9 stands.
    assert re.search(r"KB-BR-WH 기계식 키보드 갈축 / 화이트 3 6", text), text
    assert re.search(r"MOUSE-BK 무선 마우스 블랙 4 4", text), text
    assert re.search(r"STAND-01 모니터 받침대 3 9", text), text
    assert text.index("KB-BR-WH") < text.index("MOUSE-BK") < text.index("STAND-01")  # by seller code
    for shipment in shipments:
        assert f"S{shipment.pk}" in text and format_tracking(shipment.tracking_number) in text
    assert "홍길동" not in text and "홍*동" in text
    assert dark_share(pdf, tmp_path) > 0.002
    log = PrintLog.objects.get()
    assert (log.kind, log.printed, log.user, log.pages) == (PrintLog.Kind.PICKING, 4, user, 1)


@needs_poppler
def test_packing_list_has_a_section_per_shipment(make_shipment):
    first = make_shipment(n_lines=2)
    second = make_shipment(n_lines=1, receiver={"receiver_name": "김철수", "delivery_message": "경비실에 맡겨 주세요"})
    pdf = packing_list(shipment_ids=[first.pk, second.pk])
    text = pdf_text(pdf)
    orders = {s.pk: OrderLine.objects.filter(bundle_id=s.bundle_id).first().order for s in (first, second)}
    for shipment in (first, second):
        assert f"S{shipment.pk} B{shipment.bundle_id}" in text
        assert orders[shipment.pk].channel_order_id in text
        assert format_tracking(shipment.tracking_number) in text
    assert text.index(f"S{first.pk} ") < text.index(f"S{second.pk} ")
    assert "홍*동" in text and "김*수" in text and "홍길동" not in text and "김철수" not in text
    assert "010-1234-****" in text and "010-1234-5678" not in text
    assert RECEIVER["delivery_message"] in text and "경비실에 맡겨 주세요" in text
    assert "기계식 키보드" in text and "갈축 / 화이트" in text
    log = PrintLog.objects.get()
    assert (log.kind, log.printed, log.shipment_ids) == (PrintLog.Kind.PACKING, 2, [first.pk, second.pk])
