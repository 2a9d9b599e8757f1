from datetime import timedelta

import pytest
from django.utils import timezone

from modules.accounts.models import AccessLog, LoginLog
from modules.accounts.services import logs_purge
from modules.accounts.tasks import purge_expired_logs
from modules.core.models import CompanySettings, WorkerHeartbeat
from modules.core.selectors import system_health
from modules.core.tasks import worker_heartbeat
from tests.conftest import verified_client


def check(key, **kwargs):
    return next(c for c in system_health(**kwargs) if c.key == key)


@pytest.mark.django_db
def test_worker_health_follows_the_heartbeat_task():
    assert not check("worker").ok  # no task has run yet
    worker_heartbeat()
    assert check("worker").ok
    later = timezone.now() + timedelta(minutes=4)
    assert not check("worker", now=later).ok


@pytest.mark.django_db
def test_heartbeat_schedule_is_installed_by_migrations():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="core.worker_heartbeat")
    assert schedule.func == "modules.core.tasks.worker_heartbeat"
    assert Schedule.objects.filter(name="accounts.purge_expired_logs", schedule_type="C").exists()


@pytest.mark.django_db
def test_database_and_cache_checks():
    assert check("database").ok
    assert check("cache").ok
    assert check("queue").ok


@pytest.mark.django_db
def test_dashboard_shows_the_health_panel(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    WorkerHeartbeat.objects.create(host="worker-1", last_seen_at=timezone.now(), pid=1)
    html = client.get("/admin/").content.decode()
    assert 'data-panel="system-health"' in html
    assert 'data-check="worker" data-ok="true"' in html
    assert 'data-check="database" data-ok="true"' in html


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.django_db
def test_log_purge_keeps_rows_within_retention():
    now = timezone.now()
    old = AccessLog.objects.create(username="a", method="GET", path="/admin/", status=200)
    new = AccessLog.objects.create(username="a", method="GET", path="/admin/", status=200)
    AccessLog.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=800))
    AccessLog.objects.filter(pk=new.pk).update(created_at=now - timedelta(days=700))
    login_old = LoginLog.objects.create(username="a", reason=LoginLog.Reason.OK)
    LoginLog.objects.filter(pk=login_old.pk).update(created_at=now - timedelta(days=400))

    counts = logs_purge(access_log_days=730, login_log_days=365, batch_size=1)
    assert counts == {"access_logs": 1, "login_logs": 1}
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new.pk]
    assert not LoginLog.objects.exists()


@pytest.mark.django_db
def test_purge_task_reads_the_company_retention():
    company = CompanySettings.load()
    company.access_log_retention_days = 365
    company.save()
    log = AccessLog.objects.create(username="a", method="GET", path="/admin/", status=200)
    AccessLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert purge_expired_logs()["access_logs"] == 1
