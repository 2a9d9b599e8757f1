"""The sandbox as a real local server, scripted through the management command."""

import threading
from wsgiref.simple_server import make_server

import pytest
from django.core.management import call_command

from integrations.sandbox.control import sandbox_root
from integrations.sandbox.coupang import DEMO_CREDENTIALS, CoupangSandbox
from integrations.sandbox.server import QuietHandler, ThreadingWSGIServer
from modules.channels.models import Store, SyncRun
from modules.channels.services import store_save
from modules.channels.sync import sync_run


@pytest.fixture
def running_sandbox():
    sandbox = CoupangSandbox()
    server = make_server("127.0.0.1", 0, sandbox, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sandbox, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_sandbox_root_drops_the_api_path():
    assert sandbox_root("http://127.0.0.1:8102/external") == "http://127.0.0.1:8102"


@pytest.mark.django_db
def test_command_scripts_a_running_sandbox_and_the_store_syncs_over_http(running_sandbox, capsys):
    sandbox, url = running_sandbox
    store = Store(marketplace="coupang", name="로컬", seller_id="A00012345", api_base_url=url)
    result = store_save(store=store, credentials=dict(DEMO_CREDENTIALS))
    assert result.ok, result.message

    call_command("sandbox", "orders", "--store", str(store.pk), "--count", "4")
    call_command("sandbox", "claim", "--store", str(store.pk), "--kind", "cancel")
    call_command("sandbox", "state", "--store", str(store.pk))
    out = capsys.readouterr().out
    assert "created" in out and "requests" in out

    run = sync_run(store=store, kind="orders")  # real HTTP to 127.0.0.1, the store's own adapter
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert run.created >= 4
