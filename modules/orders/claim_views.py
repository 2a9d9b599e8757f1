"""Claims desk views: one claim (its lines, history and the approve / reject / complete forms), the
decision on a selection with a result per claim, and "collect claims now"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from integrations.channels.base import COURIER_NAMES_KO, CourierCode
from modules.accounts.areas import user_has_area_right
from modules.core.masking import mask_address, mask_name, mask_phone

from .claim_selectors import claim_events, claim_lines
from .claims import claims_decide, decision_problems, invoice_needed, reject_reason_choices
from .desk_views import _next_url, _require
from .models import Claim

ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "complete": gettext_lazy("Complete"),
}
# The desk's list per claim type (viewset names in claim_hooks).
LIST_URL = {"cancel": "claims_cancel:index", "return": "claims_return:index", "exchange": "claims_exchange:index"}


class ClaimDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()), widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), required=False, choices=[("", "---------"), *reject_reason_choices()]
    )
    detail = forms.CharField(label=gettext_lazy("Detail for the buyer"), required=False, max_length=200)
    courier = forms.ChoiceField(
        label=gettext_lazy("Courier"),
        required=False,
        choices=[("", "---------")] + [(code.value, COURIER_NAMES_KO.get(code, code.value)) for code in CourierCode],
    )
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), required=False, max_length=40)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not cleaned.get("reason"):
            self.add_error("reason", _("Choose a reason for the rejection."))
        return cleaned


def _masked_lines(lines):
    """Receiver shown masked on the desk; the full data is one click away for those with the right
    (the order's personal data page logs every reveal)."""
    rows = []
    for line in lines:
        order = line.order
        rows.append(
            {
                "line": line,
                "receiver": mask_name(order.receiver_name),
                "phone": mask_phone(order.receiver_phone1),
                "address": mask_address(order.address1, order.address2),
            }
        )
    return rows


def _reveal_url(request, order) -> str:
    """The order's personal-data page (orders/pii: asks a reason, logs the reveal), for those with
    the right."""
    if order is None or not user_has_area_right(request.user, "orders", "pii"):
        return ""
    return reverse("orders_personal_data", args=[order.pk])


def claim_detail(request, claim_id: int):
    _require(request, "view")
    claim = get_object_or_404(Claim.objects.select_related("store", "decided_by"), pk=claim_id)
    can_edit = user_has_area_right(request.user, "orders", "edit")
    if request.method == "POST":
        _require(request, "edit")
        form = ClaimDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            result = claims_decide(
                claims=[claim],
                action=data["action"],
                user=request.user,
                reason=data["reason"],
                detail=data["detail"],
                courier=data["courier"],
                tracking_number=data["tracking_number"].strip(),
            )[0]
            if result.ok:
                messages.success(
                    request,
                    _("%(action)s: the channel accepted it. %(message)s")
                    % {"action": ACTIONS[data["action"]], "message": result.message},
                )
            else:
                messages.error(
                    request,
                    _("%(action)s refused [%(code)s]: %(message)s")
                    % {"action": ACTIONS[data["action"]], "code": result.code, "message": result.message},
                )
            return redirect("orders_claim_detail", claim.pk)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    lines = claim_lines(claim=claim)
    order = lines[0].order if lines else None
    invoice_for = {
        action: invoice_needed(marketplace=claim.store.marketplace, claim_type=claim.claim_type, action=action)
        for action in ACTIONS
    }
    context = {
        "claim": claim,
        "rows": _masked_lines(lines),
        "order": order,
        "events": claim_events(lines=lines),
        "can_edit": can_edit,
        "reveal_url": _reveal_url(request, order),
        "form": ClaimDecisionForm(),
        "invoice_for": invoice_for,
        "problems": decision_problems(claim=claim),
        "list_url": reverse(LIST_URL.get(claim.claim_type, "claims_cancel:index")),
    }
    return render(request, "orders/claims/detail.html", context)


@require_POST
def claims_bulk(request):
    """A decision on the claims ticked in a list: one result per claim, with the channel's answer."""
    _require(request, "edit")
    form = ClaimDecisionForm(request.POST)
    back = _next_url(request, reverse("claims_cancel:index"))
    ids = [int(value) for value in request.POST.getlist("claim") if value.isdigit()]
    if not ids:
        messages.error(request, _("Tick the claims to handle first."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    claims = list(Claim.objects.select_related("store").filter(pk__in=ids[:200]).order_by("id"))
    results = claims_decide(
        claims=claims,
        action=data["action"],
        user=request.user,
        reason=data["reason"],
        detail=data["detail"],
        courier=data["courier"],
        tracking_number=data["tracking_number"].strip(),
    )
    shown = {claim.pk: claim for claim in claims}
    rows = [{"claim": shown.get(result.claim_id), "result": result} for result in results]
    return render(
        request,
        "orders/claims/bulk_result.html",
        {
            "rows": rows,
            "action_label": ACTIONS[data["action"]],
            "succeeded": sum(1 for r in results if r.ok),
            "failed": sum(1 for r in results if not r.ok),
            "back": back,
        },
    )


def claims_collect_now(request):
    """Re-pull claims of the chosen stores now (queued runs, watched live on this page)."""
    from modules.channels.models import Store
    from modules.channels.services import sync_request

    _require(request, "edit")
    stores = [
        store
        for store in Store.objects.filter(is_linked=True).order_by("marketplace", "name")
        if store.kind_enabled("claims")
    ]
    run_ids = [int(value) for value in request.GET.getlist("run") if value.isdigit()]
    if request.method == "POST":
        chosen = {int(value) for value in request.POST.getlist("store") if value.isdigit()}
        runs = []
        for store in stores:
            if store.pk in chosen:
                runs.extend(sync_request(store=store, kinds=["claims"], user=request.user))
        if not runs:
            messages.error(request, _("Choose at least one store."))
            return redirect("orders_claims_collect")
        return redirect(reverse("orders_claims_collect") + "?" + "&".join(f"run={run.pk}" for run in runs))
    return render(request, "orders/claims/collect.html", {"stores": stores, "run_ids": run_ids})
