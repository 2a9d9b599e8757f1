"""Admin pieces: the claims desk (취소 / 반품 / 교환 관리).

Three lists (cancel, return, exchange) with filters by store, state, our decision and request date;
tick claims and approve / reject (with a reason) / complete them, or open one claim for its lines,
history and the channel's answer. Every decision goes through ``claims.claims_decide``.

The lists join the "Orders" menu group through its submenu hook ``register_orders_menu_item``
(each viewset's ``menu_hook``): the order desk (desk_hooks) owns the group.
Rights: the orders area's view right to look, its edit right to decide (AreaPermissionPolicy).
"""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from integrations.channels.base import Marketplace
from modules.accounts.areas import user_has_area_right
from modules.accounts.permissions import AreaPermissionPolicy
from modules.channels.models import Store
from modules.core.masking import mask_name

from . import claim_views
from .claim_selectors import claims_list
from .claim_views import ClaimDecisionForm
from .claims import OPEN_STATES, invoice_needed
from .desk_hooks import ORDERS_SUBMENU_HOOK, _AreaViewSet
from .models import CLAIM_STATE_LABELS, Claim

# Read-only for Wagtail's generic views (no add / edit / delete of a channel's claim); decisions go through
# claim_views, which check the orders area's edit right themselves.
register_permission_policy(Claim, AreaPermissionPolicy(Claim, area="orders", read_only=True))


@hooks.register("register_admin_urls")
def register_claim_urls():
    return [
        path("claims/<int:claim_id>/", claim_views.claim_detail, name="orders_claim_detail"),
        path("claims/decide/", claim_views.claims_bulk, name="orders_claims_bulk"),
        path("claims/collect/", claim_views.claims_collect_now, name="orders_claims_collect"),
    ]


class ClaimFilterSet(WagtailFilterSet):
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), queryset=Store.objects.all())
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("Channel state"), choices=[(s.value, label) for s, label in CLAIM_STATE_LABELS.items()]
    )
    decision = django_filters.ChoiceFilter(
        label=gettext_lazy("Our decision"),
        choices=[
            ("none", gettext_lazy("Not decided")),
            ("approve", gettext_lazy("Approved")),
            ("reject", gettext_lazy("Rejected")),
            ("complete", gettext_lazy("Completed")),
        ],
        method="filter_decision",
    )
    requested_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Requested"), widget=DateRangePickerWidget)

    class Meta:
        model = Claim
        fields = ["store", "state", "decision", "requested_at"]

    def filter_decision(self, queryset, name, value):
        if value == "none":
            return queryset.filter(decision="")
        return queryset.filter(decision=value) if value else queryset


class SelectColumn(Column):
    """A tick box per row, tied to the decision form above the table (``form=claims-decide``)."""

    cell_template_name = "orders/claims/select_cell.html"
    header_template_name = "orders/claims/select_header.html"


def _when(claim):
    return localtime(claim.requested_at).strftime("%Y-%m-%d %H:%M") if claim.requested_at else ""


def _product(claim):
    if not claim.product_name:
        return f"- × {claim.quantity}"  # the order is not collected yet
    name = claim.product_name
    if claim.option_name:
        name = f"{name} / {claim.option_name}"
    lines = len(claim.channel_line_ids or [])
    more = (claim.order_line_count or 0) - 1 if not lines else lines - 1
    if more > 0:
        name = _("%(name)s and %(count)d more") % {"name": name, "count": more}
    return f"{name} × {claim.quantity}"


def _reason(claim):
    text = claim.reason or ""
    if claim.reason_detail and claim.reason_detail != text:
        text = f"{text} · {claim.reason_detail}" if text else claim.reason_detail
    return text[:80]


def _state(claim):
    label = claim.get_state_display()
    return f"{label} ({claim.channel_status})" if claim.channel_status else label


def _decision(claim):
    if not claim.decision:
        return ""
    who = claim.decided_by.get_username() if claim.decided_by_id and claim.decided_by else ""
    when = localtime(claim.decided_at).strftime("%m-%d %H:%M") if claim.decided_at else ""
    return " ".join(part for part in (str(claim.get_decision_display()), who, when) if part)


def _answer(claim):
    if not claim.push_code and not claim.push_message:
        return ""
    return format_html("<code>{}</code> {}", claim.push_code, claim.push_message[:120])


class ClaimIndexView(IndexView):
    template_name = "orders/claims/index.html"
    claim_type: str = ""

    def get_base_queryset(self):
        return claims_list(claim_type=self.claim_type)

    @cached_property
    def can_edit(self) -> bool:
        return user_has_area_right(self.request.user, "orders", "edit")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.can_edit:
            buttons.append(
                HeaderButton(_("Collect claims now"), url=reverse("orders_claims_collect"), icon_name="download")
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.can_edit
        context["decision_form"] = ClaimDecisionForm()
        context["claim_type"] = self.claim_type
        # Which stores' channels want an invoice for this list's decisions (11번가 exchanges …).
        context["invoice_hint"] = any(
            invoice_needed(marketplace=m, claim_type=self.claim_type, action=a)
            for m in Marketplace
            for a in ("approve", "reject", "complete")
        )
        context["next_url"] = self.request.get_full_path()
        return context


class CancelClaimIndexView(ClaimIndexView):
    claim_type = "cancel"
    page_title = gettext_lazy("Cancel requests")


class ReturnClaimIndexView(ClaimIndexView):
    claim_type = "return"
    page_title = gettext_lazy("Returns")


class ExchangeClaimIndexView(ClaimIndexView):
    claim_type = "exchange"
    page_title = gettext_lazy("Exchanges")


def _detail_url(claim) -> str:
    return reverse("orders_claim_detail", args=[claim.pk])


class _ClaimViewSet(_AreaViewSet):
    model = Claim
    menu_hook = ORDERS_SUBMENU_HOOK
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    search_fields = ["channel_claim_id", "channel_order_id"]
    filterset_class = ClaimFilterSet
    list_per_page = 50
    list_display = [
        SelectColumn("select", label="", width="3%"),
        TitleColumn("channel_claim_id", label=gettext_lazy("Claim number"), get_url=_detail_url, width="12%"),
        Column("requested_at", label=gettext_lazy("Requested"), accessor=_when, sort_key="requested_at"),
        Column("store", label=gettext_lazy("Store"), accessor=lambda c: c.store.name, width="9%"),
        Column("channel_order_id", label=gettext_lazy("Channel order number")),
        Column("product", label=gettext_lazy("Product"), accessor=_product, width="16%"),
        Column("receiver", label=gettext_lazy("Receiver"), accessor=lambda c: mask_name(c.receiver_name or "")),
        Column("reason", label=gettext_lazy("Reason"), accessor=_reason),
        StatusTagColumn(
            "state", label=gettext_lazy("Channel state"), accessor=_state, primary=lambda c: c.state in OPEN_STATES
        ),
        Column("decision", label=gettext_lazy("Our decision"), accessor=_decision),
        Column("push_message", label=gettext_lazy("Channel's answer"), accessor=_answer),
    ]


class CancelClaimViewSet(_ClaimViewSet):
    icon = "cross"
    menu_label = gettext_lazy("Cancel requests")
    menu_order = 200
    index_view_class = CancelClaimIndexView


class ReturnClaimViewSet(_ClaimViewSet):
    icon = "undo"
    menu_label = gettext_lazy("Returns")
    menu_order = 210
    index_view_class = ReturnClaimIndexView


class ExchangeClaimViewSet(_ClaimViewSet):
    icon = "repeat"
    menu_label = gettext_lazy("Exchanges")
    menu_order = 220
    index_view_class = ExchangeClaimIndexView


@hooks.register("register_admin_viewset")
def register_claim_viewsets():
    return [
        CancelClaimViewSet("claims_cancel", url_prefix="claims/cancel"),
        ReturnClaimViewSet("claims_return", url_prefix="claims/return"),
        ExchangeClaimViewSet("claims_exchange", url_prefix="claims/exchange"),
    ]
