"""Forms of the order desk: what a person types before an action runs. The rules themselves (the
3-day delay reason, the cancel reasons, legal moves) live in the actions service; its
ValidationError is put back on these forms' fields by the views."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from .actions import SELLER_CANCEL_REASONS
from .services import RECEIVER_FIELDS

# The usual reasons of the seed's 발주확인 popup (배송지연사유); free text is allowed too.
ACK_DELAY_REASONS = [
    ("", _("No delay")),
    ("made_to_order", _("Made to order")),
    ("restocking", _("Waiting for stock")),
    ("buyer_request", _("Buyer's request")),
    ("other", _("Other (describe)")),
]


def add_service_errors(form: forms.Form, exc: ValidationError, *, fallback: str | None = None) -> None:
    """Put a service's ValidationError on the form: on the named fields the form has, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else fallback
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(fallback, message)


class AcknowledgeForm(forms.Form):
    """발주확인: the expected ship date (today when left empty) and, past 3 days, the delay reason."""

    expected_ship_date = forms.DateField(
        label=_("Expected ship date"),
        required=False,
        widget=AdminDateInput,
        help_text=_("More than 3 days from today needs a delay reason."),
    )
    delay_reason = forms.ChoiceField(label=_("Delay reason"), choices=ACK_DELAY_REASONS, required=False)
    delay_detail = forms.CharField(label=_("Delay reason detail"), required=False, max_length=150)

    def delay_text(self) -> str:
        """The reason as sent and recorded: the chosen reason's label, then the detail."""
        key = self.cleaned_data.get("delay_reason") or ""
        detail = (self.cleaned_data.get("delay_detail") or "").strip()
        label = str(dict(ACK_DELAY_REASONS).get(key, "")) if key and key != "other" else ""
        return ": ".join(part for part in (label, detail) if part)


class SellerCancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Cancel reason"), choices=[("", "---------"), *SELLER_CANCEL_REASONS.items()])
    detail = forms.CharField(
        label=_("Detail for the buyer"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class DelayNoticeForm(forms.Form):
    """발송지연: the new ship date and the reason the buyer sees."""

    new_date = forms.DateField(label=_("New ship date"), widget=AdminDateInput)
    reason = forms.ChoiceField(label=_("Delay reason"))
    detail = forms.CharField(
        label=_("Detail for the buyer"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "---------"), *(reasons or {}).items()]


class ReceiverForm(forms.Form):
    """The receiver as a person corrects it. Without the personal data right the fields start empty
    (the current values stay hidden) and an empty field keeps its value."""

    receiver_name = forms.CharField(label=_("Receiver"), required=False, max_length=100)
    receiver_phone1 = forms.CharField(label=_("Receiver phone"), required=False, max_length=30)
    receiver_phone2 = forms.CharField(label=_("Receiver phone 2"), required=False, max_length=30)
    zip_code = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    address1 = forms.CharField(label=_("Address"), required=False, max_length=300)
    address2 = forms.CharField(label=_("Address detail"), required=False, max_length=300)
    delivery_message = forms.CharField(label=_("Delivery message"), required=False, max_length=500)

    FIELDS = (*RECEIVER_FIELDS, "delivery_message")

    def __init__(self, *args, keep_blank: bool = False, masked: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_blank = keep_blank
        if keep_blank:
            for name, value in (masked or {}).items():
                if name in self.fields and value:
                    self.fields[name].widget.attrs["placeholder"] = value

    def clean_zip_code(self):
        value = (self.cleaned_data.get("zip_code") or "").strip()
        if value and not (value.isdigit() and len(value) == 5):
            raise ValidationError(_("A postcode has 5 digits."))
        return value

    def changed_values(self) -> dict[str, str]:
        values = {name: (self.cleaned_data.get(name) or "").strip() for name in self.FIELDS}
        if self.keep_blank:
            values = {name: value for name, value in values.items() if value}
        return values

    def clean(self):
        cleaned = super().clean()
        if not self.keep_blank and not (cleaned.get("receiver_name") or "").strip():
            self.add_error("receiver_name", _("A receiver is required."))
        return cleaned


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing personal data"),
        min_length=2,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LineMatchForm(forms.Form):
    """One click in the queue: the SKU's seller code (the line's own code to start with)."""

    code = forms.CharField(label=_("SKU seller code"), max_length=100)
    remember = forms.BooleanField(
        label=_("Remember for this channel option"),
        required=False,
        initial=True,
        help_text=_("Later orders of the same option match by themselves, and the lines waiting now are matched too."),
    )
