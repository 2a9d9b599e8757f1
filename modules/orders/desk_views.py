"""Admin views of the order desk: an order's page (lines, claims, history, the channel's sync runs,
personal data reveal), receiver edit, SKU matching, the Excel download, and the bulk actions
(발주확인, 판매취소, 발송지연) with a result per order.

Views parse, check the area right, call one service (modules.orders.actions / bundles / pii) and
render; the channel's answers come back from the services as one result per line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.views.bulk_action import BulkAction

from modules.accounts.areas import user_has_area_right
from modules.accounts.net import client_ip
from modules.core.masking import mask_address, mask_name, mask_phone

from . import selectors
from .bundles import DELAY_REASONS, order_delay_notice
from .bundles import EVENT_LABELS as BUNDLE_EVENT_LABELS
from .forms import (
    AcknowledgeForm,
    DelayNoticeForm,
    LineMatchForm,
    ReceiverForm,
    RevealForm,
    SellerCancelForm,
    add_service_errors,
)
from .models import CLAIM_STATE_LABELS, CLAIM_TYPE_LABELS, Order, OrderEvent, OrderLine
from .pii import HIDDEN, NAME_FIELDS, PHONE_FIELDS, pii_masked_values, pii_reveal
from .status import SHIPPABLE, TRANSITIONS, IllegalTransition, OrderState

# A bulk action calls the channel while the person waits; beyond this many orders, filter first.
BULK_LIMIT = 1000


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, "orders", right):
        raise PermissionDenied


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# Personal data on the page ---------------------------------------------------------------------------


def mask_value(name: str, value: str) -> str:
    """One personal field (of a receiver edit in the history) shown without the right."""
    if not value:
        return ""
    if name in NAME_FIELDS:
        return mask_name(value)
    if name in PHONE_FIELDS:
        return mask_phone(value)
    if name == "address1":
        return mask_address(value)
    if name == "zip_code":
        return value  # a postcode names an area, not a person
    return HIDDEN  # address detail, delivery message, e-mail


# The order's page ------------------------------------------------------------------------------------

EVENT_LABELS = {
    **BUNDLE_EVENT_LABELS,  # bundle, split, delay notice …
    "collected": gettext_lazy("Collected"),
    "state": gettext_lazy("State changed at the channel"),
    "sync_conflict": gettext_lazy("Channel state behind ours (not applied)"),
    "acknowledge": gettext_lazy("Order confirmed (발주확인)"),
    "seller_cancel": gettext_lazy("Sale cancelled (판매취소)"),
    "push_failed": gettext_lazy("Refused by the channel"),
    "receiver_edit": gettext_lazy("Receiver edited"),
    "sku_match": gettext_lazy("SKU matched"),
}


def _state_label(value: str) -> str:
    if value in OrderState.values:
        return str(OrderState(value).label)
    return value


@dataclass
class EventRow:
    event: OrderEvent
    label: str
    old: str
    new: str
    who: str


def _event_rows(events: list[OrderEvent], *, revealed: bool) -> list[EventRow]:
    rows = []
    for event in events:
        old, new = event.old, event.new
        if event.kind == "receiver_edit":
            field_name = (event.payload or {}).get("field", "")
            if not revealed:
                old, new = mask_value(field_name, old), mask_value(field_name, new)
            try:
                verbose = str(Order._meta.get_field(field_name).verbose_name)
            except Exception:
                verbose = field_name
            old, new = f"{verbose}: {old}" if old else old, new
        elif event.kind in ("collected", "state", "acknowledge", "seller_cancel", "sync_conflict"):
            old, new = _state_label(old), _state_label(new)
        who = event.user.get_username() if event.user_id else event.get_source_display()
        rows.append(EventRow(event, str(EVENT_LABELS.get(event.kind, event.kind)), old, new, who))
    return rows


def _order_context(request, order: Order, *, revealed: dict[str, str] | None = None, reveal_form=None) -> dict:
    lines = selectors.order_lines(order)
    can_edit = user_has_area_right(request.user, "orders", "edit")
    states = {line.state for line in lines}
    actions = []
    if can_edit:
        for action_type, label, possible in (
            ("acknowledge", _("Confirm order (발주확인)"), bool(states & TRANSITIONS["acknowledge"].source)),
            ("seller_cancel", _("Cancel sale (판매취소)"), bool(states & TRANSITIONS["seller_cancel"].source)),
            ("delay_notice", _("Delay notice (발송지연)"), bool(states & SHIPPABLE)),
        ):
            if possible:
                query = urlencode({"id": order.pk, "next": request.path})
                actions.append(
                    (label, reverse("wagtail_bulk_action", args=["orders", "order", action_type]) + "?" + query)
                )
    return {
        "order": order,
        "lines": lines,
        "claims": selectors.order_claims(order),
        "events": _event_rows(selectors.order_events(order), revealed=revealed is not None),
        "sync_runs": selectors.order_sync_runs(order),
        "personal": revealed if revealed is not None else pii_masked_values(order),
        "revealed": revealed is not None,
        "reveal_form": reveal_form or RevealForm(),
        "can_edit": can_edit,
        "can_pii": user_has_area_right(request.user, "orders", "pii"),
        "actions": actions,
        "claim_type_labels": CLAIM_TYPE_LABELS,
        "claim_state_labels": CLAIM_STATE_LABELS,
        "unmatched": [line for line in lines if line.sku_id is None],
    }


def order_detail(request, order_id: int):
    _require(request, "view")
    try:
        order = selectors.order_for_page(order_id)
    except Order.DoesNotExist:
        raise Http404 from None
    return render(request, "orders/desk/detail.html", _order_context(request, order))


@require_POST
def order_reveal(request, order_id: int):
    """Show the personal data in full in this response only (logged with the reason), never in a URL."""
    _require(request, "pii")
    order = get_object_or_404(Order.objects.select_related("store"), pk=order_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(request, "orders/desk/detail.html", _order_context(request, order, reveal_form=form))
    values = pii_reveal(order=order, user=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request))
    personal = pii_masked_values(order)
    personal.update(values)
    response = render(request, "orders/desk/detail.html", _order_context(request, order, revealed=personal))
    add_never_cache_headers(response)
    return response


def receiver_edit(request, order_id: int):
    """Edit the receiver. With the personal data right the form shows the current values (that view is
    logged); without it the fields start empty and only what is typed changes."""
    from .actions import order_receiver_update

    _require(request, "edit")
    order = get_object_or_404(Order.objects.select_related("store"), pk=order_id)
    can_pii = user_has_area_right(request.user, "orders", "pii")
    masked = pii_masked_values(order)
    initial = None
    if can_pii and request.method == "GET":
        initial = pii_reveal(order=order, user=request.user, reason=_("Editing the receiver"), ip=client_ip(request))
    form = ReceiverForm(request.POST or None, initial=initial, keep_blank=not can_pii, masked=masked)
    if request.method == "POST" and form.is_valid():
        values = form.changed_values()
        changed = order_receiver_update(order=order, values=values, user=request.user)
        if changed:
            messages.success(
                request,
                _("Receiver saved (%(count)s fields changed). Not sent to the channel: no channel takes it by API.")
                % {"count": len(changed)},
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("orders_detail", order.pk)
    response = render(request, "orders/desk/receiver.html", {"order": order, "form": form, "can_pii": can_pii})
    add_never_cache_headers(response)
    return response


# SKU matching ---------------------------------------------------------------------------------------


def line_match_view(request, line_id: int):
    """Choose the SKU of an unmatched line: search by seller code, name or barcode; or, from the queue,
    post the seller code directly (one click when the code is known)."""
    from modules.catalog.models import SKU

    from .actions import line_match

    _require(request, "edit")
    line = get_object_or_404(OrderLine.objects.select_related("order", "store", "sku"), pk=line_id)
    back = _next_url(request, reverse("orders_detail", args=[line.order_id]))
    if request.method == "POST":
        remember = request.POST.get("remember") in ("on", "true", "1")
        sku = None
        if request.POST.get("sku", "").isdigit():
            sku = SKU.objects.select_related("product").filter(pk=int(request.POST["sku"])).first()
        else:
            form = LineMatchForm(request.POST)
            if form.is_valid():
                sku = (
                    SKU.objects.select_related("product").filter(seller_code=form.cleaned_data["code"].strip()).first()
                )
                if sku is None:
                    messages.warning(
                        request,
                        _("No SKU has the seller code “%(code)s”. Choose one below.")
                        % {"code": form.cleaned_data["code"]},
                    )
                    query = urlencode({"q": form.cleaned_data["code"], "next": back})
                    return redirect(reverse("orders_line_match", args=[line.pk]) + "?" + query)
        if sku is None:
            messages.error(request, _("Choose a SKU."))
            return redirect(reverse("orders_line_match", args=[line.pk]) + "?" + urlencode({"next": back}))
        count = line_match(line=line, sku=sku, user=request.user, remember=remember)
        messages.success(
            request,
            _("Matched %(count)s lines to %(sku)s (%(code)s).") % {"count": count, "sku": sku, "code": sku.seller_code},
        )
        return redirect(back)
    query = request.GET.get("q", line.seller_code if request.GET.get("q") is None else "")
    return render(
        request,
        "orders/desk/line_match.html",
        {
            "line": line,
            "query": query,
            "skus": selectors.skus_for_match(query),
            "back": back,
        },
    )


# Excel --------------------------------------------------------------------------------------------


def export_orders(request):
    """The order list as filtered on screen, one row per line, in the chosen order-list layout."""
    from modules.spreadsheets.models import ExcelLayout
    from modules.spreadsheets.views import export_response

    from .excel import order_list_rows
    from .filters import orders_filtered

    _require(request, "view")
    orders = orders_filtered(Order.objects.all(), request.GET, request=request)
    lines = (
        OrderLine.objects.filter(order_id__in=Subquery(orders.order_by().values("pk")))
        .select_related("order", "order__store", "sku")
        .order_by("-order__ordered_at", "order_id", "id")
    )
    layout_id = request.GET.get("layout") or ""
    layout = ExcelLayout.objects.filter(pk=layout_id, kind="order_list").first() if layout_id.isdigit() else None
    shown = {key: value for key, value in request.GET.items() if key not in ("layout", "p") and value}
    description = _("Order list") + (f" ({urlencode(shown)})" if shown else "")
    return export_response(
        request,
        kind="order_list",
        objects=order_list_rows(lines.iterator(chunk_size=2000)),
        description=description,
        layout=layout,
    )


# Bulk actions ---------------------------------------------------------------------------------------


@dataclass
class OrderOutcome:
    """What a bulk action did to one order: lines moved, lines refused with the channel's message."""

    order: Order
    done: int = 0
    failures: list[tuple[OrderLine | None, str, str]] = field(default_factory=list)  # (line, code, message)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.done > 0 and not self.failures


def outcomes_by_order(orders: list[Order], lines: list[OrderLine], results, *, empty_message) -> list[OrderOutcome]:
    """Group per-line results by order; an order with no line the action applies to is a failure
    with ``empty_message(order)``."""
    by_line = {line.pk: line for line in lines}
    outcomes = {order.pk: OrderOutcome(order) for order in orders}
    for result in results:
        outcome = outcomes.get(result.order_id)
        if outcome is None:
            continue
        if result.ok:
            outcome.done += 1
            if result.message and result.code not in ("OK", ""):
                outcome.notes.append(result.message)  # e.g. recorded here only, the channel has no API for it
        else:
            outcome.failures.append((by_line.get(result.line_id), result.code, result.message))
    with_lines = {line.order_id for line in lines}
    for order in orders:
        if order.pk not in with_lines:
            outcomes[order.pk].failures.append((None, "illegal", empty_message(order)))
    return list(outcomes.values())


class OrderBulkAction(BulkAction):
    """Bulk actions on the order list's selection (Wagtail's checkbox footer), run through the
    actions service; the response is a page with each order's result, not a redirect."""

    models = [Order]
    template_name = "orders/desk/bulk_confirm.html"
    results_template_name = "orders/desk/bulk_results.html"
    transition: str = ""  # key of status.TRANSITIONS: which lines of an order the action moves
    line_states: frozenset | None = None
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        _require(request, "edit")
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        return selectors.orders_by_ids(list(object_ids)[:BULK_LIMIT])

    def get_all_objects_in_listing_query(self, parent_id):
        from .filters import orders_filtered

        orders = orders_filtered(Order.objects.all(), self.request.GET, request=self.request)
        return list(orders.order_by("-ordered_at", "-id").values_list("pk", flat=True)[:BULK_LIMIT])

    def states(self):
        return self.line_states if self.line_states is not None else TRANSITIONS[self.transition].source

    def lines_of(self, orders) -> list[OrderLine]:
        return selectors.lines_for_states(order_ids=[order.pk for order in orders], states=self.states())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        orders = [item["item"] for item in context["items"]]
        counts: dict[int, int] = defaultdict(int)
        for line in self.lines_of(orders):
            counts[line.order_id] += 1
        for item in context["items"]:
            item["lines"] = counts.get(item["item"].pk, 0)
            item["receiver"] = mask_name(item["item"].receiver_name)
        context.update(
            {
                "action_label": self.display_name,
                "intro": self.intro,
                "ready": sum(1 for item in context["items"] if item["lines"]),
                "limit": BULK_LIMIT,
            }
        )
        return context

    def empty_message(self, order: Order) -> str:
        return str(IllegalTransition(self.transition, order.state)) if self.transition else _("Nothing to do.")

    def run(self, form, lines: list[OrderLine]):
        raise NotImplementedError

    def form_valid(self, form):
        # Not Wagtail's form_valid: that one holds a transaction around the whole action, and these
        # call the channel (the services own their transactions, one per batch of answers).
        orders, _no_access = self.get_actionable_objects()
        lines = self.lines_of(orders)
        try:
            results = self.run(form, lines) if lines else []
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        outcomes = outcomes_by_order(orders, lines, results, empty_message=self.empty_message)
        done = sum(1 for outcome in outcomes if outcome.ok)
        failed = len(outcomes) - done
        return render(
            self.request,
            self.results_template_name,
            {
                "action_label": self.display_name,
                "outcomes": outcomes,
                "done": done,
                "failed": failed,
                "next": self.next_url,
                "lines_done": sum(outcome.done for outcome in outcomes),
            },
        )


class AcknowledgeBulkAction(OrderBulkAction):
    display_name = gettext_lazy("Confirm order (발주확인)")
    aria_label = gettext_lazy("Confirm the selected orders at the channel")
    action_type = "acknowledge"
    action_priority = 10
    transition = "acknowledge"
    form_class = AcknowledgeForm
    intro = gettext_lazy("New lines of these orders are confirmed at the channel with the expected ship date.")

    def run(self, form, lines):
        from .actions import order_acknowledge

        return order_acknowledge(
            lines=lines,
            user=self.request.user,
            expected_ship_date=form.cleaned_data.get("expected_ship_date"),
            delay_reason=form.delay_text(),
        )


class SellerCancelBulkAction(OrderBulkAction):
    display_name = gettext_lazy("Cancel sale (판매취소)")
    aria_label = gettext_lazy("Cancel the selected orders at the channel")
    action_type = "seller_cancel"
    action_priority = 20
    transition = "seller_cancel"
    form_class = SellerCancelForm
    classes = {"serious"}
    intro = gettext_lazy("Lines not yet sent are cancelled at the channel; the buyer is refunded by the channel.")

    def run(self, form, lines):
        from .actions import order_seller_cancel

        return order_seller_cancel(
            lines=lines, reason=form.cleaned_data["reason"], detail=form.cleaned_data["detail"], user=self.request.user
        )


class DelayNoticeBulkAction(OrderBulkAction):
    """발송지연 through the bundling module's service (pushed where the channel takes it)."""

    display_name = gettext_lazy("Delay notice (발송지연)")
    aria_label = gettext_lazy("Tell the buyers of the selected orders a later ship date")
    action_type = "delay_notice"
    action_priority = 30
    form_class = DelayNoticeForm
    line_states = SHIPPABLE
    intro = gettext_lazy(
        "Lines not yet sent get the new ship date; channels with an API for it tell the buyer, "
        "for the others it is recorded here."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reasons": DELAY_REASONS}

    def empty_message(self, order):
        return _("No line of this order can be delayed (state “%(state)s”).") % {"state": order.get_state_display()}

    def run(self, form, lines):
        return order_delay_notice(
            lines=lines,
            new_date=form.cleaned_data["new_date"],
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
            user=self.request.user,
        )


def bulk_actions() -> list[type[OrderBulkAction]]:
    return [AcknowledgeBulkAction, SellerCancelBulkAction, DelayNoticeBulkAction]
