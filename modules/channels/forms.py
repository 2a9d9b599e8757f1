from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from integrations.channels.base import Marketplace
from integrations.channels.registry import ADAPTERS, adapter_class
from modules.core.crypto import last4

from .models import MARKETPLACE_LABELS, Store, SyncKind


def credential_field_name(marketplace: str, name: str) -> str:
    return f"cred_{marketplace}_{name}"


def _credential_form_fields() -> dict[str, forms.Field]:
    """Every marketplace's credential inputs, declared on the form so Wagtail's panels may list them."""
    fields = {}
    for marketplace in ADAPTERS:
        for spec in adapter_class(marketplace).credential_fields:
            widget = forms.PasswordInput(render_value=False) if spec.secret else forms.TextInput
            fields[credential_field_name(marketplace, spec.name)] = forms.CharField(
                label=format_lazy("{}: {}", MARKETPLACE_LABELS[Marketplace(marketplace)], spec.label),
                required=False,
                help_text=spec.help_text,
                widget=widget,
                strip=True,
            )
    return fields


class StoreFormBase(WagtailAdminModelForm):
    """Store settings plus the marketplace's credential fields.

    Secrets are write-only: the form shows the last four characters of what is stored and an
    empty input; leaving it empty keeps the stored value. On a new store every marketplace's
    fields are offered and the chosen marketplace's are required.
    """

    api_base_url = forms.URLField(
        label=Store._meta.get_field("api_base_url").verbose_name,
        help_text=Store._meta.get_field("api_base_url").help_text,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full address such as https://api.example.co.kr")},
    )

    class Meta:
        model = Store
        fields = [
            "marketplace",
            "name",
            "seller_id",
            "api_base_url",
            "representative_category",
            "settlement_cycle",
            "memo",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "contact_mobile",
            "is_linked",
            "auto_acknowledge",
            "product_api",
            "order_api",
            "cs_api",
            "stock_sync",
            "price_sync",
            "status_sync",
            "auto_extend_sale_period",
            "order_sync_minutes",
            "claim_sync_minutes",
            "inquiry_sync_minutes",
            "settlement_sync_minutes",
            "template_sync_minutes",
        ]
        widgets = {
            "contact_name": forms.TextInput,
            "contact_title": forms.TextInput,
            "contact_email": forms.EmailInput,
            "contact_phone": forms.TextInput,
            "contact_mobile": forms.TextInput,
            "memo": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # (form field, marketplace, credential name, required)
        self.credential_fields: list[tuple[str, str, str, bool]] = []
        existing = self.instance.pk is not None
        stored = dict(self.instance.credentials or {}) if existing else {}
        for marketplace in ADAPTERS:
            for spec in adapter_class(marketplace).credential_fields:
                field_name = credential_field_name(marketplace, spec.name)
                if existing and marketplace != self.instance.marketplace:
                    del self.fields[field_name]  # its panel hides itself
                    continue
                field = self.fields[field_name]
                if existing:
                    field.label = spec.label
                    if stored.get(spec.name):
                        kept = last4(stored[spec.name]) if spec.secret else stored[spec.name]
                        field.help_text = _("Stored: %(value)s. Leave empty to keep it.") % {"value": kept}
                self.credential_fields.append((field_name, marketplace.value, spec.name, spec.required))
        if existing:
            self.fields["marketplace"].disabled = True

    def clean(self):
        cleaned = super().clean()
        marketplace = cleaned.get("marketplace") or self.instance.marketplace
        stored = dict(self.instance.credentials or {}) if self.instance.pk else {}
        for field_name, field_marketplace, name, required in self.credential_fields:
            if field_marketplace != marketplace or not required:
                continue
            if not cleaned.get(field_name) and not stored.get(name):
                self.add_error(field_name, _("Enter this value: the marketplace needs it."))
        return cleaned

    def credentials_input(self) -> dict[str, str]:
        marketplace = self.cleaned_data.get("marketplace") or self.instance.marketplace
        return {
            name: self.cleaned_data[field_name]
            for field_name, field_marketplace, name, _required in self.credential_fields
            if field_marketplace == marketplace and self.cleaned_data.get(field_name)
        }


StoreForm = type("StoreForm", (StoreFormBase,), {"__module__": __name__, **_credential_form_fields()})


class CollectNowForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("What to collect"),
        choices=SyncKind.choices,
        initial=[SyncKind.ORDERS, SyncKind.CLAIMS],
        widget=forms.CheckboxSelectMultiple,
    )
