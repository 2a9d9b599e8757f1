"""Channel product list in Excel: export in the default layout, edit by upload with a preview,
per-row errors, and price changes queued for the channel."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from modules.channels.listing_services import listing_save
from modules.channels.models import Listing, ListingChange, Store
from modules.spreadsheets.models import ExcelLayout, ImportJob
from modules.spreadsheets.services import import_job_confirm, import_job_create, layout_save
from tests.catalog.fixtures import *  # noqa: F403
from tests.spreadsheets.files import xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(create_product):
    store = Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A1")
    made = []
    for number in range(2):
        product = create_product(
            name=f"자전거 {number}", seller_code=f"BIKE{number}", options=[("색상", ["빨강", "파랑"])]
        )
        listing = listing_save(
            listing=Listing(store=store, product=product, channel_category_id="77", sale_price=135000)
        )
        Listing.objects.filter(pk=listing.pk).update(channel_product_id=f"CP{number}")
        for option in listing.options.all():
            option.channel_option_id = f"V{option.pk}"
            option.save()
        made.append(listing)
    return made


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_export_then_edit_by_upload(editor_client, listings):
    response = editor_client.get(reverse("listings_export"))
    assert response.status_code == 200
    rows = _rows(b"".join(response.streaming_content) if response.streaming else response.content)
    header = rows[0]
    assert header[:2] == ["판매처", "채널상품번호"]
    assert {row[1] for row in rows[1:]} == {"CP0", "CP1"}
    price = header.index("판매가")
    edited = [header] + [list(row) for row in rows[1:]]
    for row in edited[1:]:
        if row[1] == "CP0":
            row[price] = "120,000원"
    upload = SimpleUploadedFile("channel.xlsx", xlsx_bytes(edited))
    job = import_job_create(kind="channel_products", upload=upload)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert (job.would_update, job.would_leave) == (1, 1)
    job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert job.status == ImportJob.Status.DONE, job.message
    first = Listing.objects.get(channel_product_id="CP0")
    assert first.sale_price == 120000
    # Coupang prices per option: one queued change per option, at the new price.
    assert set(ListingChange.objects.filter(listing=first).values_list("field", "value")) == {("price", 120000)}
    assert ListingChange.objects.filter(listing=first).count() == 2


def test_upload_rows_with_unknown_numbers_or_broken_rules_are_errors(listings):
    rows = [
        ["판매처", "채널상품번호", "판매가", "정가"],
        ["쿠팡 본점", "CP0", 135000, 100000],  # market price below the sale price
        ["쿠팡 본점", "NOPE", 135000, 0],
        ["없는 판매처", "CP1", 135000, 0],
        ["쿠팡 본점", "CP1", 135005, 0],  # not in 10-won steps
    ]
    # A price-only layout: the other columns are left alone.
    layout = layout_save(
        layout=ExcelLayout(
            name="가격 수정",
            kind="channel_products",
            columns=ExcelLayout.columns_value(
                "channel_products",
                [
                    {"field": key, "title": ""}
                    for key in ("store_name", "channel_product_id", "sale_price", "market_price")
                ],
            ),
        )
    )
    job = import_job_create(
        kind="channel_products", upload=SimpleUploadedFile("c.xlsx", xlsx_bytes(rows)), layout=layout
    )
    assert job.status == ImportJob.Status.VALIDATED, job.message
    errors = {(e.row, e.column) for e in job.row_errors.all()}
    assert job.error_rows == 4
    assert {number for number, _column in errors} == {2, 3, 4, 5}
    assert (3, "채널상품번호") in errors and (4, "판매처") in errors
    assert Listing.objects.get(channel_product_id="CP0").market_price == 0  # nothing written
