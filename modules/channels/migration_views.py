"""Admin views of the channel product migration: upload → preview (choose) → import → result.

The parsed file waits on the server (modules.channels.migration.migration_stage) under a random
token bound to the user; the forms carry only the token, the chosen channel product numbers and
the choices, and every number is checked against the staged file.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from modules.accounts.areas import user_has_area_right
from modules.catalog.models import Category
from modules.spreadsheets.reader import SUPPORTED_EXTENSIONS, SpreadsheetError

from .migration import (
    FORMATS,
    MigrationRefused,
    Staged,
    migration_import,
    migration_parse,
    migration_preview,
    migration_stage,
    migration_stage_result,
    migration_staged,
)
from .models import MARKETPLACE_LABELS, Store


def _require(request) -> None:
    if not user_has_area_right(request.user, "products", "edit"):
        raise PermissionDenied


class UploadForm(forms.Form):
    store = forms.ModelChoiceField(
        label=_("Store"),
        queryset=Store.objects.order_by("marketplace", "name"),
        help_text=_("The store whose products the file lists."),
    )
    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("xlsx, xlsm, xls, ods or csv (UTF-8 or CP949), at most 20 MB and 200,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )


class ImportForm(forms.Form):
    products = forms.MultipleChoiceField(
        label=_("Channel products"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one product to import.")},
    )
    link_sku = forms.BooleanField(
        label=_("Link SKU"),
        required=False,
        initial=True,
        help_text=_(
            "On: link each product to the SKUs whose seller code matches. Off: create new products and SKUs "
            "from the channel's data."
        ),
    )
    link_stock = forms.BooleanField(
        label=_("Link stock"),
        required=False,
        initial=True,
        help_text=_("On: stock changes of the linked SKUs are sent to these channel products."),
    )
    category = forms.ModelChoiceField(
        label=_("Category of new products"),
        queryset=Category.objects.all(),
        required=False,
        help_text=_("Needed when products are created (link SKU off)."),
    )

    def __init__(self, *args, choices: list[str], is_deal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = [(value, value) for value in choices]
        if is_deal:
            # Deals are made of products already on the store: always linked to their SKUs.
            del self.fields["link_sku"]
            del self.fields["category"]

    def clean(self):
        cleaned = super().clean()
        if "link_sku" in self.fields and not cleaned.get("link_sku") and not cleaned.get("category"):
            self.add_error("category", _("Choose the category of the new products."))
        return cleaned


def _staged_or_404(request, token: str) -> Staged:
    staged = migration_staged(token=token, user=request.user)
    if staged is None:
        raise Http404(_("This upload has expired or belongs to someone else. Upload the file again."))
    return staged


def migration_upload(request):
    _require(request)
    initial = {}
    if request.GET.get("store", "").isdigit():
        initial["store"] = int(request.GET["store"])
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        store = form.cleaned_data["store"]
        upload = form.cleaned_data["file"]
        try:
            parsed = migration_parse(source=upload, store=store, name=upload.name)
        except (SpreadsheetError, MigrationRefused) as exc:
            form.add_error("file", str(exc))
        else:
            token = migration_stage(parsed=parsed, store=store, user=request.user)
            return redirect("channels_migration_preview", token=token)
    formats = [
        {"label": fmt.label, "marketplace": MARKETPLACE_LABELS.get(fmt.marketplace, fmt.marketplace), "columns": fmt}
        for fmt in FORMATS
    ]
    return render(request, "channels/migration/upload.html", {"form": form, "formats": formats})


def migration_preview_view(request, token: str):
    _require(request)
    staged = _staged_or_404(request, token)
    store = get_object_or_404(Store, pk=staged.store_id)
    parsed = staged.parsed
    preview = migration_preview(store=store, products=parsed.products)
    selectable = [item.product.product_id for item in preview.items if item.selectable]
    form = ImportForm(request.POST or None, choices=selectable, is_deal=parsed.is_deal)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["products"])
        selection = [product for product in parsed.products if product.product_id in chosen]
        link_sku = True if parsed.is_deal else form.cleaned_data["link_sku"]
        try:
            result = migration_import(
                store=store,
                selection=selection,
                link_sku=link_sku,
                link_stock=form.cleaned_data["link_stock"],
                user=request.user,
                category=form.cleaned_data.get("category"),
                file_name=parsed.file_name,
            )
        except MigrationRefused as exc:
            form.add_error(None, str(exc))
        else:
            migration_stage_result(
                staged=staged,
                result=result,
                options={"link_sku": link_sku, "link_stock": form.cleaned_data["link_stock"]},
            )
            return redirect("channels_migration_result", token=token)
    checked = set(form["products"].value() or []) if form.is_bound else set()
    return render(
        request,
        "channels/migration/preview.html",
        {
            "token": token,
            "store": store,
            "parsed": parsed,
            "format": parsed.format,
            "preview": preview,
            "form": form,
            "checked": checked,
        },
    )


def migration_result_view(request, token: str):
    _require(request)
    staged = _staged_or_404(request, token)
    if staged.result is None:
        return redirect("channels_migration_preview", token=token)
    store = get_object_or_404(Store, pk=staged.store_id)
    return render(
        request,
        "channels/migration/result.html",
        {
            "token": token,
            "store": store,
            "parsed": staged.parsed,
            "format": staged.parsed.format,
            "result": staged.result,
            "options": staged.options,
        },
    )
