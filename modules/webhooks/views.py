"""Thin admin views of the webhooks: a delivery with its attempts, redelivery, a new secret.

Rights: the settings area's view right to look, its edit right to redeliver and rotate secrets.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.accounts.areas import user_has_area_right

from . import selectors
from .delivery import delivery_body, delivery_redeliver
from .models import WebhookDelivery, WebhookSubscription
from .services import subscription_rotate_secret

AREA = "settings"


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, AREA, right):
        raise PermissionDenied


def delivery_page(request, delivery_id: int):
    _require(request, "view")
    try:
        delivery = selectors.delivery_detail(delivery_id)
    except WebhookDelivery.DoesNotExist:
        raise Http404 from None
    body = delivery_body(delivery.event)
    return TemplateResponse(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "attempts": list(selectors.delivery_attempts(delivery)),
            "body": json.dumps(json.loads(body), ensure_ascii=False, indent=2),
            "can_edit": user_has_area_right(request.user, AREA, "edit"),
            "back": reverse("webhook_deliveries:index"),
        },
    )


@require_POST
def delivery_redeliver_view(request, delivery_id: int):
    _require(request, "edit")
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription__client"), pk=delivery_id)
    try:
        delivery_redeliver(delivery=delivery, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Queued for redelivery; the worker posts it now."))
    return redirect("webhooks_delivery", delivery_id)


def subscription_rotate_view(request, subscription_id: int):
    """GET: confirm; POST: a new secret, shown once."""
    _require(request, "edit")
    subscription = get_object_or_404(WebhookSubscription, pk=subscription_id)
    if request.method != "POST":
        return TemplateResponse(request, "webhooks/rotate_confirm.html", {"subscription": subscription})
    secret = subscription_rotate_secret(subscription=subscription)
    return secret_page(request, subscription=subscription, secret=secret, rotated=True)


def secret_page(request, *, subscription: WebhookSubscription, secret: str, rotated: bool = False):
    """The only place the secret is ever shown (rendered into this response, stored nowhere else)."""
    response = TemplateResponse(
        request,
        "webhooks/secret.html",
        {
            "subscription": subscription,
            "secret": secret,
            "rotated": rotated,
            "back": reverse("webhook_subscriptions:index"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
