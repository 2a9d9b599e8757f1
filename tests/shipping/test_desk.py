"""The shipping desk as a seller uses it: the list (constant queries, masked receivers), one shipment's
page (register, errors, correction), the bulk actions (register, send, force, print) and the rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from modules.orders.models import OrderLine
from modules.orders.status import OrderState
from modules.shipping.models import PrintLog, Shipment, ShipmentState
from tests.conftest import verified_client
from tests.shipping.conftest import next_tracking_number

pytestmark = pytest.mark.django_db

DESK = "/admin/shipping/desk/"


@pytest.fixture
def clerk(make_user):
    return verified_client(make_user("배송담당", rights={"shipping": {"view", "edit"}}))


@pytest.mark.parametrize("tab", ["", "waiting", "registered", "failed", "sent"])
def test_the_list_has_constant_queries(clerk, make_shipments, django_assert_max_num_queries, tab):
    make_shipments(2, tracking_number="")
    make_shipments(2)
    with django_assert_max_num_queries(40) as small:
        assert clerk.get(DESK, {"tab": tab}).status_code == 200
    make_shipments(25, tracking_number="")
    make_shipments(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = clerk.get(DESK, {"tab": tab})
    assert response.status_code == 200


def test_the_list_masks_receivers_and_shows_the_invoice(clerk, make_shipment):
    registered = make_shipment()
    waiting = make_shipment(tracking_number="")
    page = clerk.get(DESK).content.decode()
    assert "홍*동" in page and "홍길동" not in page and "010-1234-5678" not in page
    assert registered.tracking_number in page
    assert f"B{waiting.bundle_id}" in page
    waiting_tab = clerk.get(DESK, {"tab": "waiting"}).content.decode()
    assert f"B{waiting.bundle_id}" in waiting_tab and registered.tracking_number not in waiting_tab


def test_registering_on_the_shipment_page_names_the_broken_rule(clerk, make_shipment):
    shipment = make_shipment(tracking_number="")
    url = reverse("shipping_shipment", args=[shipment.bundle_id])
    assert clerk.get(url).status_code == 200
    response = clerk.post(url, {"courier": "CJ", "tracking_number": "1234-5678"})
    assert response.status_code == 200
    assert "CJ대한통운" in response.content.decode() and "자리" in response.content.decode()
    number = next_tracking_number()
    response = clerk.post(url, {"courier": "CJ", "tracking_number": number, "box_size": "02"})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.tracking_number == number and shipment.box_size == "02"
    assert set(OrderLine.objects.filter(bundle_id=shipment.bundle_id).values_list("state", flat=True)) == {
        OrderState.INVOICE_REGISTERED
    }
    assert number in clerk.get(url).content.decode()


def test_bulk_registration_from_the_list(clerk, make_shipments):
    shipments = make_shipments(3, tracking_number="")
    numbers = [next_tracking_number() for _ in shipments]
    response = clerk.post(
        reverse("shipping_action"),
        {
            "action": "register",
            "bundle": [s.bundle_id for s in shipments],
            "courier": "CJ",
            "numbers": "\n".join(numbers),
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-ok="1"') == 3
    assert [Shipment.objects.get(pk=s.pk).tracking_number for s in shipments] == numbers


def test_send_from_the_list_shows_each_channels_answer(clerk, sandbox_store, make_shipments):
    from tests.shipping.test_invoices import _ready_shipments  # noqa: PLC0415

    results = {}
    for marketplace in ("coupang", "naver", "elevenst"):
        store, sandbox = sandbox_store(marketplace, name=f"{marketplace} 스토어")
        (shipment,) = _ready_shipments(store, sandbox, 1)
        clerk.post(
            reverse("shipping_shipment", args=[shipment.bundle_id]),
            {"courier": "CJ", "tracking_number": next_tracking_number()},
        )
        results[marketplace] = shipment
    response = clerk.post(
        reverse("shipping_action"), {"action": "send", "bundle": [s.bundle_id for s in results.values()]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.count('data-ok="1"') == 3, page
    for shipment in results.values():
        shipment.refresh_from_db()
        assert shipment.state == ShipmentState.SENT


def test_force_complete_from_the_list(clerk, make_shipment):
    shipment = make_shipment()
    response = clerk.post(reverse("shipping_action"), {"action": "force", "bundle": [shipment.bundle_id]})
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.FORCED


def test_labels_print_and_the_pdf_opens_for_the_printer_only(clerk, make_user, make_shipment):
    printed = make_shipment()
    response = clerk.post(reverse("shipping_action"), {"action": "labels", "bundle": [printed.bundle_id]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-shipping-pdf" in page
    pdf_url = page.split('href="/admin/shipping/pdf/')[1].split('"')[0]
    pdf = clerk.get(f"/admin/shipping/pdf/{pdf_url}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    other = verified_client(make_user("다른담당", rights={"shipping": {"view"}}))
    assert other.get(f"/admin/shipping/pdf/{pdf_url}").status_code == 404
    assert PrintLog.objects.filter(kind="labels").count() == 1


def test_a_big_print_run_goes_to_the_worker(clerk, make_shipments, monkeypatch, settings):
    from modules.shipping import views

    monkeypatch.setattr(views, "LABELS_IN_REQUEST", 2)
    shipments = make_shipments(3)
    response = clerk.post(reverse("shipping_action"), {"action": "labels", "bundle": [s.bundle_id for s in shipments]})
    # Tasks run inline in tests (Q_CLUSTER sync), so the PDF is there when the page is opened.
    assert response.status_code == 302 and "/admin/shipping/pdf/" in response["Location"]
    pdf = clerk.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert PrintLog.objects.get(kind="labels").printed == 3


def test_picking_and_packing_lists_from_the_list(clerk, make_shipments):
    shipments = make_shipments(2, n_lines=2)
    for action in ("picking", "packing"):
        response = clerk.post(
            reverse("shipping_action"), {"action": action, "bundle": [s.bundle_id for s in shipments]}
        )
        assert response.status_code == 200 and "data-shipping-pdf" in response.content.decode()


def test_rights(make_user, make_shipment):
    shipment = make_shipment()
    viewer = verified_client(make_user("조회", rights={"shipping": {"view"}}))
    outsider = verified_client(make_user("주문만", rights={"orders": {"view", "edit"}}))
    assert viewer.get(DESK).status_code == 200
    assert viewer.post(reverse("shipping_action"), {"action": "force", "bundle": [shipment.bundle_id]}).status_code in (
        302,
        403,
    )
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.REGISTERED
    assert outsider.get(DESK).status_code in (302, 403)
    assert outsider.get(reverse("shipping_shipment", args=[shipment.bundle_id])).status_code in (302, 403)


def test_courier_table_and_settings_pages(clerk):
    page = clerk.get(reverse("shipping_couriers")).content.decode()
    assert "CJ대한통운" in page and "CJGLS" in page and "00034" in page
    for url in (
        "/admin/shipping/warehouses/",
        "/admin/shipping/warehouses/new/",
        "/admin/shipping/contracts/",
        "/admin/shipping/contracts/new/",
        "/admin/snippets/shipping/labellayout/",
        "/admin/snippets/shipping/labellayout/add/",
    ):
        assert clerk.get(url).status_code == 200, url
