"""Forms of the shipping desk and the label layout snippet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import COURIER_CHOICES, LABEL_FIELDS, LabelLayout, PrintLog


def courier_field(**kwargs) -> forms.ChoiceField:
    from integrations.couriers.registry import courier_choices

    return forms.ChoiceField(label=_("Courier"), choices=[("", "---------"), *courier_choices()], **kwargs)


class InvoiceForm(forms.Form):
    """One shipment's invoice (송장 개별 등록) or its correction after sending."""

    courier = forms.ChoiceField(label=_("Courier"), choices=COURIER_CHOICES)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
    box_size = forms.CharField(label=_("Box size"), max_length=20, required=False)

    def __init__(self, *args, boxes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courier"] = courier_field()
        if boxes:
            self.fields["box_size"] = forms.ChoiceField(
                label=_("Box size"),
                required=False,
                choices=[("", "---------")] + [(box.code, f"{box.name} ({box.price:,}원)") for box in boxes],
            )


class BulkInvoiceForm(forms.Form):
    """송장 일괄 등록: one courier for the ticked shipments, numbers pasted one per line in list order."""

    # One form carries every button of the desk (send, print …): the browser must not refuse those
    # for an empty number box; the register action checks the fields on the server.
    use_required_attribute = False

    courier = forms.ChoiceField(label=_("Courier"), choices=COURIER_CHOICES)
    numbers = forms.CharField(
        label=_("Tracking numbers"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "123456789012"}),
        help_text=_("One per line, in the order of the ticked shipments."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courier"] = courier_field()


class LabelOptionsForm(forms.Form):
    layout = forms.ModelChoiceField(
        label=_("Label layout"),
        queryset=LabelLayout.objects.order_by("-is_default", "name"),
        required=False,
        empty_label=None,  # the default layout comes first; with none defined the built-in one prints
    )
    new_numbers = forms.BooleanField(
        label=_("New tracking numbers"),
        required=False,
        help_text=_("Reprint with new numbers from the contract's band; otherwise a reprint keeps the number."),
    )


class LabelLayoutForm(WagtailAdminModelForm):
    """The fields shown on the label as tick boxes (stored as a list of keys)."""

    fields = forms.MultipleChoiceField(
        label=_("Fields shown"), choices=LABEL_FIELDS, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.initial.get("fields"):
            self.initial["fields"] = [key for key, _label in LABEL_FIELDS]


PRINT_KINDS = {choice for choice, _label in PrintLog.Kind.choices}
