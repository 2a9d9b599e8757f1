"""The order list in Excel: the filtered list downloaded in a layout (personal data asks for a reason
and is logged), and states changed by upload: preview with per-row errors, then 발주확인 / 판매취소
through the actions service against the sandbox."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from modules.orders import actions
from modules.orders.models import Order, OrderEvent, OrderLine
from modules.orders.status import OrderState
from modules.spreadsheets.models import ExcelLayout, ImportJob, PersonalDataDownload
from modules.spreadsheets.services import import_job_confirm, import_job_create, layout_save
from tests.channels.conftest import fast_adapter
from tests.orders.test_collect_and_actions import collect_all
from tests.orders.test_desk_support import *  # noqa: F403
from tests.orders.test_desk_support import make_order, make_store
from tests.spreadsheets.files import xlsx_bytes

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _layout(name, fields, *, default=False):
    return layout_save(
        layout=ExcelLayout(
            name=name,
            kind="order_list",
            is_default=default,
            columns=ExcelLayout.columns_value("order_list", [{"field": key, "title": ""} for key in fields]),
        )
    )


def test_download_with_personal_data_asks_a_reason_and_is_logged(pii_client, pii_user, viewer_client):
    store = make_store("naver", name="네이버 본점")
    make_order(store, channel_order_id="N-1", lines=2, receiver="김철수", phone="010-1234-5678")
    make_order(make_store("coupang"), channel_order_id="C-1")
    url = reverse("orders_export") + "?marketplace=naver"
    # A viewer without the personal data right cannot download the default layout (it has names).
    assert viewer_client.get(url).status_code in (302, 403)
    ask = pii_client.get(url)
    assert ask.status_code == 200 and 'name="reason"' in ask.content.decode()
    assert not PersonalDataDownload.objects.exists()
    response = pii_client.post(url, {"reason": "택배 접수용"})
    assert response.status_code == 200
    rows = _rows(response)
    header = rows[0]
    assert {"주문번호", "주문상세번호", "수취인명", "주소", "주문상태", "관리번호"} <= set(header)
    body = rows[1:]
    assert len(body) == 2  # one row per line, the filtered store only
    assert {row[header.index("주문번호")] for row in body} == {"N-1"}
    assert {row[header.index("수취인명")] for row in body} == {"김철수"}
    assert {row[header.index("주문상태")] for row in body} == {"신규주문"}
    assert {row[header.index("판매처")] for row in body} == {"네이버 본점"}
    log = PersonalDataDownload.objects.get()
    assert (log.username, log.kind, log.rows, log.reason) == (pii_user.username, "order_list", 2, "택배 접수용")
    assert "marketplace=naver" in log.description


def test_download_in_a_layout_without_personal_data_needs_no_reason(viewer_client):
    make_order(make_store(), channel_order_id="A-1", courier="CJ", tracking="123456789012")
    layout = _layout("상태 변경용", ["line_id", "order_no", "product_name", "status", "courier", "tracking_no"])
    response = viewer_client.get(reverse("orders_export"), {"layout": layout.pk})
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0] == ["관리번호", "주문번호", "상품명", "주문상태", "택배사", "송장번호"]
    assert rows[1][1:] == ["A-1", "무선 마우스", "신규주문", "CJ대한통운", "123456789012"]
    assert not PersonalDataDownload.objects.exists()


def test_list_offers_a_download_per_layout(viewer_client):
    make_order(make_store())
    layout = _layout("상태 변경용", ["line_id", "status"])
    content = viewer_client.get(reverse("orders:index"), {"state": "new"}).content.decode()
    assert f"layout={layout.pk}" in content and "state=new" in content


def _upload(rows, layout=None):
    return import_job_create(
        kind="order_list", upload=SimpleUploadedFile("orders.xlsx", xlsx_bytes(rows)), layout=layout
    )


def test_upload_preview_shows_row_errors_for_unknown_lines_and_impossible_moves(make_user):
    store = make_store()
    new = make_order(store, channel_order_id="NEW").lines.get()
    sent = make_order(store, channel_order_id="SENT", state="invoice_sent").lines.get()
    delivered = make_order(store, channel_order_id="DELIVERED", state="delivered").lines.get()
    claimed = make_order(store, channel_order_id="CLAIMED", claim=("cancel", "requested")).lines.get()
    others = [make_order(store, channel_order_id=f"OTHER{n}").lines.get() for n in range(3)]
    far = timezone.localdate() + timedelta(days=7)
    layout = _layout(
        "상태 변경",
        ["line_id", "line_no", "store_name", "status", "expected_ship_date", "delay_reason", "cancel_reason"],
    )
    rows = [
        ["관리번호", "주문상세번호", "판매처", "주문상태", "출고예정일", "지연사유", "취소사유"],
        [new.pk, None, None, "발주확인", None, None, None],  # 2: fine
        [delivered.pk, None, None, "배송완료", None, None, None],  # 3: unchanged
        [sent.pk + 1000, None, None, "발주확인", None, None, None],  # 4: unknown line
        [None, sent.channel_line_id, None, "판매취소", None, None, "품절"],  # 5: sent lines cannot be cancelled
        [None, "NOPE-1", None, "발주확인", None, None, None],  # 6: unknown channel line
        [claimed.pk, None, None, "발주확인", None, None, None],  # 7: open cancel request (claim gate)
        [None, others[0].channel_line_id, None, "판매취소", None, None, None],  # 8: cancel without a reason
        [None, others[1].channel_line_id, store.name, "배송완료", None, None, None],  # 9: not settable by upload
        [others[2].pk, None, None, "보류", None, None, None],  # 10: unknown word
    ]
    job = _upload(rows, layout)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    errors = {}
    for error in job.row_errors.all():
        errors.setdefault(error.row, []).append((error.column, error.message))
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10}, errors
    assert errors[4][0][0] == "관리번호"
    assert errors[5][0][0] == "주문상태"
    assert errors[8][0][0] == "취소사유"
    assert errors[7][0][0] == "주문상태" and errors[10][0][0] == "주문상태"
    assert (job.would_update, job.would_leave) == (1, 1)
    # The same row with a far ship date and no reason: the 3-day rule on the delay reason.
    far_job = _upload([rows[0], [new.pk, None, None, "발주확인", far, None, None]], layout)
    assert [(e.row, e.column) for e in far_job.row_errors.all()] == [(2, "지연사유")]
    assert OrderLine.objects.get(pk=new.pk).state == OrderState.NEW  # a preview writes nothing


def test_upload_applies_acknowledge_and_cancel_through_the_channel(
    sandbox_store, monkeypatch, django_capture_on_commit_callbacks, make_user
):
    monkeypatch.setattr(actions, "_adapter_for", fast_adapter)
    store, sandbox = sandbox_store("naver")
    sandbox.create_orders(3)
    collect_all(store)
    lines = list(OrderLine.objects.filter(store=store).order_by("id"))
    assert len(lines) >= 3
    user = make_user("엑셀담당", rights={"orders": {"view", "edit"}})
    confirm, cancel, keep = lines[0], lines[1], lines[2]
    rows = [
        ["관리번호", "주문상태", "취소사유", "취소상세"],
        [confirm.pk, "발주확인", None, None],
        [cancel.pk, "판매취소", "품절", "재고 소진"],
        [keep.pk, "신규주문", None, None],
    ]
    layout = _layout("상태", ["line_id", "status", "cancel_reason", "cancel_detail"])
    job = import_job_create(
        kind="order_list", upload=SimpleUploadedFile("s.xlsx", xlsx_bytes(rows)), layout=layout, user=user
    )
    assert job.status == ImportJob.Status.VALIDATED and job.error_rows == 0, list(job.row_errors.values_list("message"))
    assert (job.would_update, job.would_leave) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL, user=user)
    assert job.status == ImportJob.Status.DONE, job.message
    assert OrderLine.objects.get(pk=confirm.pk).state == OrderState.ACKNOWLEDGED
    assert OrderLine.objects.get(pk=cancel.pk).state == OrderState.CANCELLED
    assert OrderLine.objects.get(pk=keep.pk).state == OrderState.NEW
    event = OrderEvent.objects.get(line_id=confirm.pk, kind="acknowledge")
    assert event.user_id == user.pk
    assert OrderEvent.objects.get(line_id=cancel.pk, kind="seller_cancel").payload["reason"] == "sold_out"
    assert Order.objects.get(pk=confirm.order_id).state in (OrderState.ACKNOWLEDGED, OrderState.NEW)


def test_an_upload_that_rolls_back_calls_no_channel(monkeypatch, django_capture_on_commit_callbacks):
    """All-or-nothing with a bad row writes nothing, and the channel is never called; nor when the
    upload's transaction rolls back after the importer planned the actions."""
    from modules.orders.excel import OrderStatusImporter
    from modules.spreadsheets.services import ImportRefused

    calls = []
    monkeypatch.setattr(actions, "_adapter_for", lambda store: calls.append(store) or fast_adapter(store))
    store = make_store()
    good = make_order(store).lines.get()
    layout = _layout("짧은", ["line_id", "status"])
    rows = [["관리번호", "주문상태"], [good.pk, "발주확인"], [good.pk + 999, "발주확인"]]
    job = _upload(rows, layout)
    assert job.error_rows == 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ImportRefused):
        import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert calls == []
    assert OrderLine.objects.get(pk=good.pk).state == OrderState.NEW

    # A clean file whose import fails after the importer's apply: rolled back, the channel not called.
    job = _upload(rows[:2], layout)
    assert job.status == ImportJob.Status.VALIDATED and job.error_rows == 0
    real_apply = OrderStatusImporter.apply

    def apply_then_fail(self, values, *, context):
        real_apply(self, values, context=context)
        raise RuntimeError("a later step of the same upload failed")

    monkeypatch.setattr(OrderStatusImporter, "apply", apply_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_confirm(job=job, mode=ImportJob.Mode.ALL)
    assert job.status == ImportJob.Status.FAILED
    assert calls == []
    assert OrderLine.objects.get(pk=good.pk).state == OrderState.NEW
