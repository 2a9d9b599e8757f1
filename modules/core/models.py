from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .validators import (
    format_business_number,
    validate_business_number,
    validate_mail_order_number,
    validate_phone,
)


def require_2fa_default() -> bool:
    # On in production settings, off in the demo; the company can change it afterwards.
    return settings.JANGTEO_REQUIRE_2FA_DEFAULT


@register_setting(icon="site", order=10, name="company-settings")
class CompanySettings(BaseGenericSetting):
    """Company-wide settings (환경설정): service info and the product/order/security policies."""

    # Service info (서비스 정보)
    company_name = models.CharField(_("company name"), max_length=100, blank=True)
    business_number = models.CharField(
        _("business registration number"),
        max_length=12,
        blank=True,
        validators=[validate_business_number],
        help_text=_("10 digits, e.g. 123-45-67891"),
    )
    representative = models.CharField(_("representative"), max_length=50, blank=True)
    mail_order_number = models.CharField(
        _("mail-order business number"),
        max_length=40,
        blank=True,
        validators=[validate_mail_order_number],
        help_text=_("e.g. 제2024-서울강남-01234호"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("business address"), max_length=200, blank=True)
    admin_name = models.CharField(_("administrator name"), max_length=50, blank=True)
    admin_phone = models.CharField(_("administrator phone"), max_length=20, blank=True, validators=[validate_phone])
    admin_email = models.EmailField(_("administrator e-mail"), blank=True)

    # Product policy (상품 설정)
    use_seller_internal_codes = models.BooleanField(_("use seller internal codes"), default=True)
    use_purchase_source_link = models.BooleanField(_("link purchase sources"), default=False)
    stock_management_enabled = models.BooleanField(_("manage stock"), default=True)
    automation_enabled = models.BooleanField(_("run automations"), default=True)

    # Order policy (주문 설정)
    order_alerts_enabled = models.BooleanField(_("alert on new orders"), default=True)
    claim_alerts_enabled = models.BooleanField(_("alert on new claims"), default=True)
    cs_alerts_enabled = models.BooleanField(_("alert on new inquiries"), default=True)
    auto_order_confirmation = models.BooleanField(
        _("confirm orders automatically"),
        default=False,
        help_text=_("Stores can still choose manual confirmation in their own sync settings."),
    )
    order_stock_link = models.BooleanField(_("reserve stock for collected orders"), default=True)
    stock_outbound_point = models.CharField(
        _("take stock out when"),
        max_length=20,
        choices=[
            ("invoice_registered", _("the invoice is registered (ready to ship)")),
            ("label_printed", _("the courier label is printed")),
            ("invoice_sent", _("the invoice is sent to the channel")),
        ],
        default="invoice_registered",
        help_text=_("The point where a shipment's goods leave the warehouse's stock (출고 반영 시점)."),
    )
    allow_negative_stock = models.BooleanField(
        _("allow negative stock"),
        default=False,
        help_text=_("Off: an adjustment or sale that would take a warehouse below zero is refused."),
    )
    bundle_scope = models.CharField(
        _("bundle orders of one receiver from"),
        max_length=12,
        choices=[("store", _("The same store")), ("marketplace", _("Any store of the same marketplace"))],
        default="store",
        help_text=_("Orders with the same receiver name, phone and address are packed together (합포장)."),
    )
    pii_retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months after delivery)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("After this, receiver and buyer data of delivered orders is masked or destroyed."),
    )

    # Security (보안)
    require_2fa = models.BooleanField(
        _("require two-factor login for all staff"),
        default=require_2fa_default,
        help_text=_("Staff without an authenticator are sent to enrolment before anything else."),
    )
    access_log_retention_days = models.PositiveIntegerField(
        _("keep admin access logs for (days)"),
        default=730,
        validators=[MinValueValidator(365, _("Access logs must be kept for at least 365 days (1 year)."))],
        help_text=_("The law asks for at least 1 year, 2 years when you handle 50,000 people or more."),
    )
    login_log_retention_days = models.PositiveIntegerField(
        _("keep login logs for (days)"),
        default=730,
        validators=[MinValueValidator(365, _("Login logs must be kept for at least 365 days (1 year)."))],
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("company_name"),
                            FieldRowPanel([FieldPanel("business_number"), FieldPanel("representative")]),
                            FieldPanel("mail_order_number"),
                            FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_email")]),
                            FieldPanel("address"),
                        ],
                        heading=_("Company"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("admin_name"),
                            FieldRowPanel([FieldPanel("admin_phone"), FieldPanel("admin_email")]),
                        ],
                        heading=_("Administrator"),
                    ),
                ],
                heading=_("Service info"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("use_seller_internal_codes"),
                            FieldPanel("use_purchase_source_link"),
                            FieldPanel("stock_management_enabled"),
                            FieldPanel("stock_outbound_point"),
                            FieldPanel("allow_negative_stock"),
                            FieldPanel("automation_enabled"),
                        ],
                        heading=_("Products"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("order_alerts_enabled"),
                            FieldPanel("claim_alerts_enabled"),
                            FieldPanel("cs_alerts_enabled"),
                            FieldPanel("auto_order_confirmation"),
                            FieldPanel("order_stock_link"),
                            FieldPanel("bundle_scope"),
                            FieldPanel("pii_retention_months"),
                        ],
                        heading=_("Orders"),
                    ),
                ],
                heading=_("Product/order policy"),
            ),
            ObjectList(
                [
                    FieldPanel("require_2fa"),
                    FieldPanel("access_log_retention_days"),
                    FieldPanel("login_log_retention_days"),
                ],
                heading=_("Security"),
            ),
        ]
    )

    class Meta:
        verbose_name = _("company settings")

    def __str__(self) -> str:
        return str(self.company_name or self._meta.verbose_name)

    def clean(self) -> None:
        super().clean()
        if self.business_number:
            self.business_number = format_business_number(self.business_number)


class WorkerHeartbeat(models.Model):
    """One row per worker host: the last time a background task ran there (dashboard health)."""

    host = models.CharField(_("host"), max_length=100, unique=True)
    last_seen_at = models.DateTimeField(_("last task run at"))
    pid = models.PositiveIntegerField(_("process id"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.host} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
