"""Admin view: an order's personal data in full, after the person gives a short reason (logged).

GET shows the masked values and the reason prompt; POST reveals (``pii.pii_reveal``) and renders
the values in the response itself, never in a URL, with no-store caching. The order desk can also
call it from a button with ``Accept: application/json`` and show the values in place.
"""

from __future__ import annotations

from django import forms
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from modules.accounts.net import client_ip

from .desk_views import _next_url, _require
from .models import Order
from .pii import PERSONAL_FIELDS, personal_field_labels, pii_masked_values, pii_reveal

REASON_SUGGESTIONS = [
    _("Answering a delivery inquiry"),
    _("Checking the delivery address"),
    _("Return or exchange pickup"),
    _("Reprinting the shipping label"),
    _("Contacting the buyer"),
]


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing personal data"),
        min_length=2,
        max_length=200,
        help_text=_("Recorded in the personal data view log with your name, the time and your address."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "pii-reason-suggestions", "autofocus": True}),
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def order_personal_data(request, order_id: int):
    _require(request, "pii")
    order = get_object_or_404(Order.objects.select_related("store"), pk=order_id)
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST":
        if form.is_valid():
            revealed = pii_reveal(
                order=order, user=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
            )
        if _wants_json(request):
            if revealed is None:
                return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            response = JsonResponse(
                {
                    "order": order.pk,
                    "values": revealed,
                    "labels": personal_field_labels(),
                    "masked_by_retention": order.pii_masked_at is not None,
                }
            )
            add_never_cache_headers(response)
            return response
    labels = personal_field_labels()
    masked = pii_masked_values(order)
    rows = [
        {"name": name, "label": labels[name], "value": (revealed or masked)[name]}
        for name in PERSONAL_FIELDS
    ]
    response = render(
        request,
        "orders/pii/reveal.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "revealed": revealed is not None,
            "suggestions": REASON_SUGGESTIONS,
            "back_url": _next_url(request, ""),
        },
    )
    add_never_cache_headers(response)
    return response
