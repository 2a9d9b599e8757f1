"""Forms of the inventory admin: one stock entry, set components and thresholds by SKU code, rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from modules.catalog.models import SKU
from modules.channels.models import Store
from modules.shipping.models import Warehouse

from .models import AllocationRule, SkuComponent, StockLevel, StockThreshold


def sku_by_code(code: str, field_label: str) -> SKU:
    code = (code or "").strip()
    sku = SKU.objects.select_related("product").filter(seller_code=code).first()
    if sku is None and code:
        sku = SKU.objects.select_related("product").filter(barcode=code).first()
    if sku is None:
        raise ValidationError(_("%(field)s: no SKU has the code “%(code)s”.") % {"field": field_label, "code": code})
    return sku


class StockEntryForm(forms.Form):
    """재고 입력: inbound, expected inbound, its receipt, an adjustment or a counted quantity for one SKU."""

    KINDS = [
        ("inbound", _("Inbound (입고)")),
        ("expected", _("Expected inbound (입고 예정)")),
        ("receive", _("Expected inbound received")),
        ("adjust", _("Adjustment ± (조정)")),
        ("count", _("Counted quantity (실사)")),
    ]
    kind = forms.ChoiceField(label=_("What"), choices=KINDS)
    sku_code = forms.CharField(label=_("SKU seller code or barcode"), max_length=100)
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.filter(active=True).order_by("-is_main", "name")
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), help_text=_("Units; for an adjustment + or −, for a count the quantity counted.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False, help_text=_("e.g. PO number"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        main = self.fields["warehouse"].queryset.first()
        if main is not None and not self.is_bound:
            self.initial.setdefault("warehouse", main.pk)

    def clean_sku_code(self):
        return sku_by_code(self.cleaned_data["sku_code"], _("SKU"))

    def clean(self):
        data = super().clean()
        if data.get("kind") in ("adjust", "count") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("An adjustment needs a reason."))
        return data


class SkuComponentForm(WagtailAdminModelForm):
    """A set's component by SKU codes (a catalogue can hold tens of thousands of SKUs: no dropdown)."""

    set_code = forms.CharField(label=_("Set SKU code"), max_length=100)
    component_code = forms.CharField(label=_("Component SKU code"), max_length=100)

    class Meta:
        model = SkuComponent
        fields = ["quantity"]

    field_order = ["set_code", "component_code", "quantity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("set_code", self.instance.set_sku.seller_code)
            self.initial.setdefault("component_code", self.instance.component.seller_code)

    def clean(self):
        data = super().clean()
        try:
            set_sku = sku_by_code(data.get("set_code", ""), _("Set SKU"))
        except ValidationError as exc:
            self.add_error("set_code", exc)
            return data
        try:
            component = sku_by_code(data.get("component_code", ""), _("Component SKU"))
        except ValidationError as exc:
            self.add_error("component_code", exc)
            return data
        others = SkuComponent.objects.exclude(pk=self.instance.pk)
        if set_sku == component:
            self.add_error("component_code", _("A set cannot contain itself."))
        elif others.filter(set_sku=set_sku, component=component).exists():
            self.add_error("component_code", _("This component is already in the set; change its quantity."))
        elif others.filter(set_sku=component).exists():
            self.add_error(
                "component_code",
                _("%(code)s is a set itself: sets cannot be nested.") % {"code": component.seller_code},
            )
        elif others.filter(component=set_sku).exists():
            self.add_error(
                "set_code",
                _("%(code)s is a component of another set: sets cannot be nested.") % {"code": set_sku.seller_code},
            )
        elif StockLevel.objects.filter(sku=set_sku).exclude(on_hand=0, reserved=0, expected=0).exists():
            self.add_error(
                "set_code",
                _("%(code)s holds stock of its own: adjust it to zero first (a set's stock is its components').")
                % {"code": set_sku.seller_code},
            )
        self.instance.set_sku, self.instance.component = set_sku, component
        return data


class StockThresholdForm(WagtailAdminModelForm):
    sku_code = forms.CharField(label=_("SKU seller code or barcode"), max_length=100)

    class Meta:
        model = StockThreshold
        fields = ["quantity"]

    field_order = ["sku_code", "quantity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("sku_code", self.instance.sku.seller_code)
            self.fields["sku_code"].disabled = True

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        try:
            sku = sku_by_code(data.get("sku_code", ""), _("SKU"))
        except ValidationError as exc:
            self.add_error("sku_code", exc)
            return data
        if StockThreshold.objects.filter(sku=sku).exists():
            self.add_error("sku_code", _("This SKU has a threshold already; edit that one."))
        self.instance.sku = sku
        return data


class AllocationRuleForm(WagtailAdminModelForm):
    class Meta:
        model = AllocationRule
        fields = ["store", "mode", "value", "stop_at_zero"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.order_by("marketplace", "name")

    def clean(self):
        data = super().clean()
        mode, value = data.get("mode"), data.get("value") or 0
        if mode == AllocationRule.Mode.PERCENT and not 1 <= value <= 100:
            self.add_error("value", _("A percentage is between 1 and 100."))
        if mode == AllocationRule.Mode.CAP and value < 1:
            self.add_error("value", _("A cap of 0 would show nothing: use at least 1, or stop the listing."))
        return data


class PreviewForm(forms.Form):
    store = forms.ModelChoiceField(
        label=_("Store"), queryset=Store.objects.filter(is_linked=True).order_by("marketplace", "name")
    )
