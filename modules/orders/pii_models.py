"""Models for personal data handling of orders (reveal log, retention runs).

Both are logs: written by the services in ``pii.py``, listed read-only in the "Logs" menu, and
kept when users or orders go away (no database constraint, the names are copied onto the row).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PersonalDataReveal", "RetentionRun"]


class PersonalDataReveal(models.Model):
    """개인정보 조회 기록: every time a person saw an order's buyer/receiver data in full."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # logs outlive users
    )
    username = models.CharField(_("username"), max_length=150)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Copied at reveal time, so the log reads the same whatever happens to the order.
    order_number = models.CharField(_("channel order number"), max_length=100)
    store_name = models.CharField(_("store"), max_length=100, blank=True)
    fields = models.JSONField(_("fields shown"), default=list)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["username", "-created_at"], name="piireveal_user_time")]

    def __str__(self) -> str:
        return f"{self.username} {self.order_number}"


class RetentionRun(models.Model):
    """One run of the personal data retention (masking) task, with what it masked."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    wagtail_reference_index_ignore = True

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    dry_run = models.BooleanField(_("dry run"), default=False)
    months = models.PositiveSmallIntegerField(_("retention (months)"))
    cutoff = models.DateTimeField(_("closed before"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    orders_masked = models.PositiveIntegerField(_("orders masked"), default=0)
    events_masked = models.PositiveIntegerField(_("history entries masked"), default=0)
    lines_cleaned = models.PositiveIntegerField(_("order lines cleaned"), default=0)
    claims_cleaned = models.PositiveIntegerField(_("claims cleaned"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("personal data retention run")
        verbose_name_plural = _("personal data retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.orders_masked}"
