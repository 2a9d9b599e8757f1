from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrations.channels.base import Marketplace
from modules.core.crypto import EncryptedJSONField, EncryptedTextField

MARKETPLACE_LABELS = {
    Marketplace.COUPANG: _("Coupang"),
    Marketplace.NAVER: _("Naver SmartStore"),
    Marketplace.ELEVENST: _("11st"),
}


class SyncKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    CLAIMS = "claims", _("Claims")
    INQUIRIES = "inquiries", _("Inquiries")
    SETTLEMENTS = "settlements", _("Settlements")
    TEMPLATES = "templates", _("Templates")


class Store(models.Model):
    """One seller account on one marketplace (판매채널 계정). A seller may run several per marketplace."""

    class AutoAcknowledge(models.TextChoices):
        MANUAL = "manual", _("Manual")
        AUTO = "auto", _("Automatic")

    class SettlementCycle(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    class AuthStatus(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked")
        OK = "ok", _("Connected")
        FAILED = "failed", _("Authentication failed")
        ERROR = "error", _("Could not check")

    marketplace = models.CharField(
        _("marketplace"), max_length=20, choices=[(m.value, label) for m, label in MARKETPLACE_LABELS.items()]
    )
    name = models.CharField(_("store name"), max_length=100)
    seller_id = models.CharField(_("seller ID"), max_length=100)
    credentials = EncryptedJSONField(_("API credentials"), blank=True, default=dict, editable=False)
    api_base_url = models.URLField(
        _("API base URL"),
        blank=True,
        help_text=_("Empty: the marketplace's own API host. Point it at the sandbox or a proxy if needed."),
    )
    representative_category = models.CharField(_("representative category"), max_length=100, blank=True)
    settlement_cycle = models.CharField(
        _("settlement cycle"), max_length=10, choices=SettlementCycle.choices, blank=True
    )
    memo = models.TextField(_("memo"), blank=True)

    contact_name = EncryptedTextField(_("contact name"), blank=True)
    contact_title = EncryptedTextField(_("title / department"), blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    contact_mobile = EncryptedTextField(_("contact mobile"), blank=True)

    is_linked = models.BooleanField(_("linked"), default=True, help_text=_("Off: no sync at all."))
    auto_acknowledge = models.CharField(
        _("order acknowledgement"), max_length=10, choices=AutoAcknowledge.choices, default=AutoAcknowledge.MANUAL
    )
    product_api = models.BooleanField(_("product API"), default=True)
    order_api = models.BooleanField(_("order API"), default=True)
    cs_api = models.BooleanField(_("CS API"), default=True)
    stock_sync = models.BooleanField(_("push stock"), default=False)
    price_sync = models.BooleanField(_("push prices"), default=False)
    status_sync = models.BooleanField(_("push sale status"), default=False)
    auto_extend_sale_period = models.BooleanField(
        _("extend sale period automatically"),
        default=False,
        help_text=_("At night, extend listings with less than 7 days of sale period left."),
    )

    order_sync_minutes = models.PositiveSmallIntegerField(
        _("collect orders every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    claim_sync_minutes = models.PositiveSmallIntegerField(
        _("collect claims every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    inquiry_sync_minutes = models.PositiveSmallIntegerField(
        _("collect inquiries every (minutes)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    settlement_sync_minutes = models.PositiveSmallIntegerField(
        _("collect settlements every (minutes)"),
        default=720,
        validators=[MinValueValidator(60), MaxValueValidator(10080)],
    )
    template_sync_minutes = models.PositiveSmallIntegerField(
        _("pull templates every (minutes)"), default=1440, validators=[MinValueValidator(60), MaxValueValidator(10080)]
    )

    auth_status = models.CharField(
        _("connection"), max_length=10, choices=AuthStatus.choices, default=AuthStatus.UNKNOWN, editable=False
    )
    auth_message = models.CharField(_("marketplace's answer"), max_length=500, blank=True, editable=False)
    auth_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    # Bumped whenever credentials change; a sync stopped by "authentication failed" resumes then.
    credentials_version = models.PositiveIntegerField(default=0, editable=False)
    auth_failed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["marketplace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["marketplace", "seller_id", "name"], name="store_unique_account"),
        ]

    def __str__(self) -> str:
        return f"{self.get_marketplace_display()} · {self.name}"

    def sync_interval_minutes(self, kind: str) -> int:
        return {
            SyncKind.ORDERS: self.order_sync_minutes,
            SyncKind.CLAIMS: self.claim_sync_minutes,
            SyncKind.INQUIRIES: self.inquiry_sync_minutes,
            SyncKind.SETTLEMENTS: self.settlement_sync_minutes,
            SyncKind.TEMPLATES: self.template_sync_minutes,
        }[kind]

    def kind_enabled(self, kind: str) -> bool:
        if not self.is_linked:
            return False
        return {
            SyncKind.ORDERS: self.order_api,
            SyncKind.CLAIMS: self.order_api,
            SyncKind.INQUIRIES: self.cs_api,
            SyncKind.SETTLEMENTS: self.order_api,
            SyncKind.TEMPLATES: self.product_api,
        }[kind]

    @property
    def auth_blocked(self) -> bool:
        """Authentication failed with the current credentials: no retries until they change."""
        return self.auth_failed_version is not None and self.auth_failed_version == self.credentials_version


class SyncState(models.Model):
    """Per store and kind: the committed cursor, the run lease, and freshness."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_states")
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKind.choices)
    cursor_at = models.DateTimeField(_("collected up to"), null=True, blank=True)
    # The lease makes "one run per store and kind" hold across processes and hosts: it is taken
    # with a conditional UPDATE, which the database serialises.
    lease_token = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")
        constraints = [models.UniqueConstraint(fields=["store", "kind"], name="syncstate_store_kind")]

    def __str__(self) -> str:
        return f"{self.store} {self.get_kind_display()}"


class SyncRun(models.Model):
    """One collection run: the sync log (판매채널 연동 로그)."""

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with errors")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Collect now")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(_("kind"), max_length=20, choices=SyncKind.choices)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    window_start = models.DateTimeField(_("window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("window to"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    fetched = models.PositiveIntegerField(_("fetched"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["store", "kind", "-started_at"], name="syncrun_store_kind_time")]

    def __str__(self) -> str:
        return f"{self.store} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class SyncRunError(models.Model):
    """One error of a run, with the channel's own code, message and request id."""

    wagtail_reference_index_ignore = True

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="errors")
    item_key = models.CharField(_("item"), max_length=200, blank=True)
    code = models.CharField(_("code"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=1000)
    request_id = models.CharField(_("request id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync error")
        verbose_name_plural = _("sync errors")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} {self.message}"
