import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.models import Schedule

from modules.channels.adapters import IN_PROCESS_TRANSPORTS
from modules.channels.models import Store, SyncRun
from tests.conftest import verified_client

COUPANG = "integrations.sandbox.coupang"


@pytest.fixture
def admin(make_user):
    return verified_client(make_user("boss", superuser=True, totp=True))


@pytest.fixture
def coupang_sandbox(db):
    from integrations.channels.coupang.adapter import CoupangAdapter
    from integrations.sandbox.core import SandboxTransport
    from integrations.sandbox.coupang import CoupangSandbox

    sandbox = CoupangSandbox()
    IN_PROCESS_TRANSPORTS[CoupangAdapter.default_base_url] = SandboxTransport(sandbox)
    yield sandbox
    IN_PROCESS_TRANSPORTS.pop(CoupangAdapter.default_base_url, None)


def store_form(**overrides):
    from integrations.sandbox.coupang import DEMO_CREDENTIALS

    data = {
        "marketplace": "coupang",
        "name": "쿠팡 1호점",
        "seller_id": DEMO_CREDENTIALS["vendor_id"],
        "api_base_url": "",
        "is_linked": "on",
        "auto_acknowledge": "manual",
        "order_api": "on",
        "cs_api": "on",
        "product_api": "on",
        "order_sync_minutes": "5",
        "claim_sync_minutes": "5",
        "inquiry_sync_minutes": "10",
        "settlement_sync_minutes": "720",
        "template_sync_minutes": "1440",
        "cred_coupang_vendor_id": DEMO_CREDENTIALS["vendor_id"],
        "cred_coupang_access_key": DEMO_CREDENTIALS["access_key"],
        "cred_coupang_secret_key": DEMO_CREDENTIALS["secret_key"],
        "contact_name": "김담당",
        "contact_mobile": "010-1111-2222",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_store_verifies_and_never_shows_secrets_again(admin, coupang_sandbox):
    from integrations.sandbox.coupang import DEMO_CREDENTIALS

    response = admin.post(reverse("stores:add"), store_form(), follow=True)
    assert response.status_code == 200
    store = Store.objects.get()
    assert store.auth_status == Store.AuthStatus.OK
    assert store.credentials["secret_key"] == DEMO_CREDENTIALS["secret_key"]
    assert {s.name for s in Schedule.objects.filter(name__startswith=f"channels.sync.store{store.pk}.")} == {
        f"channels.sync.store{store.pk}.{kind}"
        for kind in ("orders", "claims", "inquiries", "settlements", "templates")
    }
    html = admin.get(reverse("stores:edit", args=[store.pk])).content.decode()
    assert DEMO_CREDENTIALS["secret_key"] not in html and DEMO_CREDENTIALS["access_key"] not in html
    assert "••••" + DEMO_CREDENTIALS["secret_key"][-4:] in html
    assert 'name="cred_naver_client_id"' not in html  # only this marketplace's inputs on edit


def test_wrong_credentials_save_with_a_warning_showing_the_marketplace_answer(admin, coupang_sandbox):
    response = admin.post(reverse("stores:add"), store_form(cred_coupang_secret_key="0" * 40), follow=True)
    assert response.status_code == 200
    store = Store.objects.get()
    assert store.auth_status == Store.AuthStatus.FAILED and store.auth_blocked
    warnings = [str(m) for m in response.context["messages"]]
    assert any(store.auth_message in message for message in warnings)


def test_editing_keeps_secrets_left_empty_and_a_new_secret_unblocks(admin, coupang_sandbox):
    from integrations.sandbox.coupang import DEMO_CREDENTIALS

    admin.post(reverse("stores:add"), store_form(cred_coupang_secret_key="0" * 40))
    store = Store.objects.get()
    assert store.auth_blocked
    edit = store_form(marketplace=None, cred_coupang_access_key="", cred_coupang_secret_key="", name="쿠팡 본점")
    admin.post(reverse("stores:edit", args=[store.pk]), edit)
    store.refresh_from_db()
    assert store.name == "쿠팡 본점" and store.credentials["secret_key"] == "0" * 40 and store.auth_blocked
    admin.post(
        reverse("stores:edit", args=[store.pk]),
        {**edit, "cred_coupang_secret_key": DEMO_CREDENTIALS["secret_key"]},
    )
    store.refresh_from_db()
    assert store.auth_status == Store.AuthStatus.OK and not store.auth_blocked


def test_invalid_base_url_and_missing_credentials_get_field_errors(admin, coupang_sandbox):
    response = admin.post(reverse("stores:add"), store_form(api_base_url="not a url", cred_coupang_secret_key=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "api_base_url" in errors and "cred_coupang_secret_key" in errors
    assert not Store.objects.exists()


def test_collect_now_queues_runs_and_reports_progress(admin, coupang_sandbox, django_capture_on_commit_callbacks):
    admin.post(reverse("stores:add"), store_form())
    store = Store.objects.get()
    coupang_sandbox.create_orders(7)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("channels_collect_now", args=[store.pk]), {"kinds": ["orders", "claims"]})
    assert response.status_code == 302
    runs = SyncRun.objects.filter(store=store, trigger="manual").order_by("id")
    assert [r.kind for r in runs] == ["orders", "claims"]
    progress = admin.get(reverse("channels_runs_progress") + "?" + "&".join(f"run={r.pk}" for r in runs)).json()
    assert progress["done"] is True
    assert progress["runs"][0]["status"] == "succeeded" and progress["runs"][0]["created"] >= 7
    page = admin.get(response["Location"])
    assert page.status_code == 200 and "data-collect-progress" in page.content.decode()


def test_dashboard_freshness_panel(admin, coupang_sandbox, django_capture_on_commit_callbacks):
    admin.post(reverse("stores:add"), store_form())
    store = Store.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("channels_collect_now", args=[store.pk]), {"kinds": ["orders"]})
    html = admin.get("/admin/").content.decode()
    assert 'data-panel="channel-freshness"' in html
    assert f'data-store="{store.pk}"' in html


@pytest.mark.parametrize("url_name", ["stores:index", "sync-runs:index"])
def test_channel_lists_have_constant_queries(admin, url_name):
    def add_stores(n):
        start = Store.objects.count()
        for i in range(n):
            store = Store.objects.create(marketplace="naver", name=f"s{start + i}", seller_id="x", credentials={})
            for kind in ("orders", "claims"):
                SyncRun.objects.create(store=store, kind=kind, status="succeeded")

    url = reverse(url_name)
    add_stores(2)
    admin.get(url)
    with CaptureQueriesContext(connection) as few:
        assert admin.get(url).status_code == 200
    add_stores(15)
    with CaptureQueriesContext(connection) as many:
        assert admin.get(url).status_code == 200
    assert len(few) == len(many)
