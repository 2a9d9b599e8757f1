"""Admin pieces of the events out of orders (notify.py): the dashboard panel and "mark seen".

The panel (for users with the orders area's view right) counts today's orders, open claims by type,
orders needing attention and orders past the acknowledge deadline, each linking to the desk list
that shows them, and lists the latest unseen notices with a link each. Six queries, whatever the
number of orders or notices.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.components import Component

from modules.accounts.areas import user_has_area_right
from modules.channels.models import SyncKind

from .claim_views import LIST_URL as CLAIM_LIST_URL
from .desk_views import _next_url, _require
from .models import CLAIM_TYPE_LABELS
from .notify import notices_mark_seen, notices_unseen, orders_dashboard_counts
from .notify_models import OrderNotice
from .status import OrderState

NOTICES_SHOWN = 10


def _orders_url(**params) -> str:
    return reverse("orders:index") + ("?" + urlencode(params) if params else "")


def notice_url(notice: OrderNotice, *, can_see_sync: bool) -> str:
    """Where a notice leads: the one order or claim, else the desk list filtered to the store."""
    store = {"store": notice.store_id} if notice.store_id else {}
    if notice.kind in (OrderNotice.Kind.ORDER_NEW, OrderNotice.Kind.ORDER_STUCK):
        if notice.order_id:
            return reverse("orders_detail", args=[notice.order_id])
        return _orders_url(**store, state=OrderState.NEW)
    if notice.kind == OrderNotice.Kind.CLAIM_NEW:
        if notice.claim_id:
            return reverse("orders_claim_detail", args=[notice.claim_id])
        types = notice.payload.get("types") or {"cancel": 1}
        main = max(types, key=types.get)
        return reverse(CLAIM_LIST_URL.get(main, "claims_cancel:index")) + ("?" + urlencode(store) if store else "")
    if notice.kind == OrderNotice.Kind.SYNC_FAILED and can_see_sync:
        run_id = notice.payload.get("run_id")
        if run_id:
            return reverse("sync-runs:inspect", args=[run_id])
        return reverse("sync-runs:index") + "?" + urlencode({**store, "status": "failed"})
    return ""


def _detail(notice: OrderNotice) -> str:
    if notice.kind == OrderNotice.Kind.SYNC_FAILED and notice.subject in SyncKind.values:
        return f"{SyncKind(notice.subject).label} · {notice.message}"
    return notice.message


class OrderNoticePanel(Component):
    name = "order_notices"
    order = 15  # after system health, before channel sync
    template_name = "orders/notify/panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        counts = orders_dashboard_counts()
        today = timezone.localdate().isoformat()
        can_see_sync = user_has_area_right(self.request.user, "channels", "view")
        claims = counts["open_claims"]
        context["counters"] = [
            (_("Ordered today"), counts["today"], _orders_url(ordered_from=today, ordered_to=today), False),
            *[
                (label, claims.get(kind.value, 0), reverse(CLAIM_LIST_URL[kind.value]), False)
                for kind, label in CLAIM_TYPE_LABELS.items()
            ],
            (_("Needs attention"), counts["attention"], _orders_url(needs_attention="true"), True),
            (OrderNotice.Kind.ORDER_STUCK.label, counts["stuck"], _orders_url(state=OrderState.NEW), True),
        ]
        context["notices"] = [
            (notice, notice_url(notice, can_see_sync=can_see_sync), _detail(notice))
            for notice in notices_unseen(limit=NOTICES_SHOWN)
        ]
        context["seen_url"] = reverse("orders_notices_seen")
        context["next_url"] = self.request.get_full_path()
        return context


@hooks.register("construct_homepage_panels")
def add_order_notice_panel(request, panels):
    if user_has_area_right(request.user, "orders", "view"):
        panels.append(OrderNoticePanel(request))


@require_POST
def notices_seen(request):
    """Mark one notice (``notice``) or every unseen notice (no ``notice``) as seen, back to the dashboard."""
    _require(request, "view")
    notice_id = request.POST.get("notice", "")
    notices_mark_seen(user=request.user, notice_ids=[int(notice_id)] if notice_id.isdigit() else None)
    return redirect(_next_url(request, reverse("wagtailadmin_home")))


@hooks.register("register_admin_urls")
def register_notice_urls():
    return [path("orders/notices/seen/", notices_seen, name="orders_notices_seen")]
