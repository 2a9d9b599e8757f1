"""django-q2 task entry points for accounts: thin wrappers around services."""

from modules.core.models import CompanySettings

from .services import logs_purge


def purge_expired_logs() -> dict[str, int]:
    settings = CompanySettings.load()
    return logs_purge(
        access_log_days=settings.access_log_retention_days,
        login_log_days=settings.login_log_retention_days,
    )
