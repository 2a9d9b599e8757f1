"""Inventory pages outside the generic listings: one stock entry, the allocation preview with its
bulk push, and reconciliation runs. Thin: check the right, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from modules.accounts.areas import user_has_area_right

from . import services
from .allocation import allocation_push_store, allocation_targets
from .forms import PreviewForm, StockEntryForm
from .models import ReconcileRun, StockLevel
from .reconcile import stock_reconcile

PREVIEW_LIMIT = 1000


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, "inventory", right):
        raise PermissionDenied


def stock_entry(request):
    """재고 입력: one movement for one SKU in one warehouse, with its reason."""
    _require(request, "edit")
    form = StockEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sku, warehouse, quantity = data["sku_code"], data["warehouse"], data["quantity"]
        common = {"sku": sku, "warehouse": warehouse, "reference": data["reference"], "user": request.user}
        try:
            if data["kind"] == "inbound":
                services.stock_inbound(quantity=quantity, reason=data["reason"], **common)
            elif data["kind"] == "expected":
                services.stock_expected_add(quantity=quantity, reason=data["reason"], **common)
            elif data["kind"] == "receive":
                services.stock_expected_receive(quantity=quantity, reason=data["reason"], **common)
            elif data["kind"] == "adjust":
                services.stock_adjust(delta=quantity, reason=data["reason"], **common)
            else:
                services.stock_set_count(counted=quantity, reason=data["reason"], **common)
        except services.StockRefused as exc:
            form.add_error(None, exc)
        else:
            level = StockLevel.objects.filter(sku=sku, warehouse=warehouse).first()
            messages.success(
                request,
                _("%(sku)s at %(warehouse)s: %(on_hand)s on hand, %(available)s available.")
                % {
                    "sku": sku.seller_code,
                    "warehouse": warehouse.name,
                    "on_hand": level.on_hand if level else 0,
                    "available": level.available if level else 0,
                },
            )
            return redirect(reverse("inventory_entry"))
    return render(request, "inventory/stock_entry.html", {"form": form})


def allocation_preview(request):
    """재고 전송 미리보기: each linked option of a store, what it shows now and what it would show
    under the store's rule; "push all" queues every option's quantity for the channel."""
    _require(request, "view")
    form = PreviewForm(request.POST or request.GET or None)
    store = form.cleaned_data["store"] if form.is_valid() else None
    if request.method == "POST":
        _require(request, "edit")
        if store is None:
            raise PermissionDenied
        result = allocation_push_store(store=store)
        messages.success(
            request,
            _(
                "%(queued)s quantities queued for %(store)s (%(stopped)s stopped, %(resumed)s resumed); "
                "the push queue sends them."
            )
            % {"queued": result.queued, "store": store.name, "stopped": result.stopped, "resumed": result.resumed},
        )
        return redirect(f"{reverse('inventory_preview')}?store={store.pk}")
    targets = allocation_targets(store=store, synced_only=False) if store else []
    changing = [t for t in targets if t.changes]
    context = {
        "form": form,
        "store": store,
        "rows": targets[:PREVIEW_LIMIT],
        "more": max(0, len(targets) - PREVIEW_LIMIT),
        "total": len(targets),
        "changing": len(changing),
        "can_edit": user_has_area_right(request.user, "inventory", "edit"),
    }
    return render(request, "inventory/preview.html", context)


def reconcile_page(request):
    """재고 대사: the last runs, the newest one's drift and channel differences, and "run now"."""
    _require(request, "view")
    if request.method == "POST":
        _require(request, "edit")
        run = stock_reconcile(
            trigger=ReconcileRun.Trigger.MANUAL, fix=bool(request.POST.get("fix")), pull=bool(request.POST.get("pull"))
        )
        messages.success(
            request,
            _(
                "%(levels)s levels checked, %(drift)s with drift; "
                "%(options)s channel options compared, %(differ)s differ."
            )
            % {
                "levels": run.levels_checked,
                "drift": run.drift_count,
                "options": run.options_checked,
                "differ": run.channel_mismatches,
            },
        )
        return redirect(reverse("inventory_reconcile"))
    runs = list(ReconcileRun.objects.order_by("-id")[:20])
    return render(
        request,
        "inventory/reconcile.html",
        {
            "runs": runs,
            "latest": runs[0] if runs else None,
            "can_edit": user_has_area_right(request.user, "inventory", "edit"),
        },
    )
