from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import notice, validators
from .models import SKU, Category, Product, SkuStatus
from .services import SkuEdit

NOTICE_PREFIX = "notice__"
SKU_EDITABLE_STATUSES = [
    (SkuStatus.ON_SALE.value, SkuStatus.ON_SALE.label),
    (SkuStatus.STOPPED.value, SkuStatus.STOPPED.label),
]

# For the notice panel: which categories use each item (rows are shown or hidden as the category changes).
ITEM_CATEGORIES: dict[str, list[str]] = {}
for _category in notice.CATEGORIES:
    for _key in _category.items:
        ITEM_CATEGORIES.setdefault(_key, []).append(_category.code)


def add_validation_error(form: forms.Form, exc: ValidationError, *, fallback_fields: dict[str, str] | None = None):
    """Put a service's ValidationError on the form: on a field when the form has it, else on the form."""
    fallback_fields = fallback_fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        target = fallback_fields.get(key, key)
        if target in form.fields:
            form.add_error(target, errors)
        else:
            form._errors = form._errors if form._errors is not None else {}
            form._errors.setdefault("__all__", ErrorList()).extend(
                message for error in errors for message in error.messages
            )


class ProductForm(WagtailAdminModelForm):
    """The product page: model fields and child rows (panels), plus the notice items, the SKU table
    and the SKU bulk-set inputs, which are built per product here and rendered by the catalog panels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dynamic_field_names: list[str] = []
        self._add_notice_fields()
        self.sku_rows: list[dict] = []
        self._skus: dict[int, SKU] = {}
        if self.instance.pk:
            self._add_sku_fields()

    # notice ---------------------------------------------------------------------------------------------

    def _add(self, name: str, field: forms.Field) -> None:
        self.fields[name] = field
        self.dynamic_field_names.append(name)

    def _add_notice_fields(self) -> None:
        stored = self.instance.notice_values or {}
        for key, label in notice.ITEM_LABELS.items():
            entry = stored.get(key) or {}
            self._add(
                f"{NOTICE_PREFIX}{key}",
                forms.CharField(
                    label=label,
                    required=False,
                    max_length=validators.NOTICE_VALUE_MAX,
                    initial=entry.get("value", ""),
                    widget=forms.TextInput(attrs={"data-notice-value": key}),
                ),
            )
            self._add(
                f"{NOTICE_PREFIX}{key}__detail",
                forms.BooleanField(label=_("See detail page"), required=False, initial=bool(entry.get("see_detail"))),
            )

    def notice_rows(self):
        """Every item (the chosen category's first, in its order); the others hidden until chosen."""
        current = self["notice_category"].value() if "notice_category" in self.fields else ""
        chosen = [key for key, _label in notice.category_items(current)]
        keys = chosen + [key for key in notice.ITEM_LABELS if key not in chosen]
        for key in keys:
            label = notice.ITEM_LABELS[key]
            categories = ITEM_CATEGORIES.get(key, [])
            yield {
                "key": key,
                "label": label,
                "categories": " ".join(categories),
                "shown": current in categories,
                "value": self[f"{NOTICE_PREFIX}{key}"],
                "detail": self[f"{NOTICE_PREFIX}{key}__detail"],
            }

    # SKU table ------------------------------------------------------------------------------------------

    def _add_sku_fields(self) -> None:
        for sku in self.instance.skus.all():
            self._skus[sku.pk] = sku
            row = {"sku": sku, "active": sku.is_active}
            if sku.is_active:
                prefix = f"sku_{sku.pk}_"
                self._add(prefix + "extra_price", forms.IntegerField(label=_("extra price"), initial=sku.extra_price))
                self._add(
                    prefix + "status",
                    forms.ChoiceField(label=_("sale status"), choices=SKU_EDITABLE_STATUSES, initial=sku.status),
                )
                self._add(
                    prefix + "seller_code",
                    forms.CharField(
                        label=_("SKU seller code"), max_length=validators.SKU_SELLER_CODE_MAX, initial=sku.seller_code
                    ),
                )
                self._add(
                    prefix + "barcode",
                    forms.CharField(label=_("barcode"), max_length=50, required=False, initial=sku.barcode),
                )
                row.update(
                    extra_price=self[prefix + "extra_price"],
                    status=self[prefix + "status"],
                    seller_code=self[prefix + "seller_code"],
                    barcode=self[prefix + "barcode"],
                    selected=str(sku.pk) in (self.data.getlist("sku_selected") if self.is_bound else []),
                )
            self.sku_rows.append(row)
        self._add("bulk_extra_price", forms.IntegerField(label=_("extra price"), required=False))
        self._add(
            "bulk_status",
            forms.ChoiceField(label=_("sale status"), required=False, choices=[("", "—"), *SKU_EDITABLE_STATUSES]),
        )
        self._add(
            "bulk_code_prefix",
            forms.CharField(
                label=_("seller code prefix"),
                required=False,
                max_length=40,
                help_text=_("e.g. ABC- gives ABC-001, ABC-002 … in option order"),
            ),
        )

    def sku_edits(self) -> dict[int, SkuEdit]:
        edits = {}
        for pk, sku in self._skus.items():
            prefix = f"sku_{pk}_"
            if prefix + "extra_price" not in self.cleaned_data:
                continue
            edit = SkuEdit()
            values = {
                "extra_price": self.cleaned_data.get(prefix + "extra_price"),
                "status": self.cleaned_data.get(prefix + "status"),
                "seller_code": (self.cleaned_data.get(prefix + "seller_code") or "").strip(),
                "barcode": (self.cleaned_data.get(prefix + "barcode") or "").strip(),
            }
            changed = False
            for attr, value in values.items():
                if value is not None and value != getattr(sku, attr):
                    setattr(edit, attr, value)
                    changed = True
            if changed:
                edits[pk] = edit
        return edits

    def bulk_request(self) -> dict | None:
        if not self.instance.pk:
            return None
        extra = self.cleaned_data.get("bulk_extra_price")
        status = self.cleaned_data.get("bulk_status") or None
        prefix = (self.cleaned_data.get("bulk_code_prefix") or "").strip() or None
        if extra is None and status is None and prefix is None:
            return None
        selected = [int(pk) for pk in self.data.getlist("sku_selected") if pk.isdigit()]
        return {"sku_ids": selected, "extra_price": extra, "status": status, "seller_code_prefix": prefix}

    # validation -----------------------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("notice_category") or ""
        values = {
            key: {
                "value": (cleaned.get(f"{NOTICE_PREFIX}{key}") or "").strip(),
                "see_detail": bool(cleaned.get(f"{NOTICE_PREFIX}{key}__detail")),
            }
            for key, _label in notice.category_items(category)
        }
        self.instance.notice_values = values
        if cleaned.get("status") != Product.Status.PREPARING:
            if not category and "notice_category" in self.fields:
                self.add_error("notice_category", _("Notice: choose the product information notice category."))
            for key, message in validators.notice_errors(category, values).items():
                self.add_error(f"{NOTICE_PREFIX}{key}", message)
        return cleaned


class CategoryForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        label=_("parent category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )

    class Meta:
        model = Category
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Category.objects.filter(depth__lt=Category.MAX_DEPTH).order_by("path")
        if self.instance.pk:
            queryset = queryset.exclude(path__startswith=self.instance.path)
            parent = self.instance.get_parent()
            self.fields["parent"].initial = parent.pk if parent else None
        self.fields["parent"].queryset = queryset
        self.fields["parent"].label_from_instance = lambda node: node.full_name
