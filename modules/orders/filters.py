"""Filters of the order desk list and the matching queue.

Dates are the order's time at the channel (ordered_at), read as calendar days in Asia/Seoul (the
project's TIME_ZONE): "7 days" is from the start of the day seven days ago until now, as the seed's
주문확인/처리 page counts them (2019-01-15 ~ 2019-01-18 for 3일).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import AdminDateInput

from integrations.channels.base import COURIER_NAMES_KO, CourierCode
from modules.channels.models import MARKETPLACE_LABELS, Store

from .models import Order, OrderLine
from .selectors import lines_of_order, open_claim_q, orders_search, push_refused_exists, unmatched_exists
from .status import OrderState

PERIOD_DAYS = (1, 3, 7, 15, 30)


def day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _stores(request=None):
    return Store.objects.order_by("marketplace", "name")


class OrderFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label=_("Ordered in the last"),
        choices=lambda: [
            (str(days), ngettext("%(days)s day", "%(days)s days", days) % {"days": days}) for days in PERIOD_DAYS
        ],
        method="filter_period",
    )
    ordered_from = django_filters.DateFilter(label=_("Ordered from"), method="filter_from", widget=AdminDateInput)
    ordered_to = django_filters.DateFilter(label=_("Ordered until"), method="filter_to", widget=AdminDateInput)
    marketplace = django_filters.ChoiceFilter(
        label=_("Marketplace"),
        field_name="store__marketplace",
        choices=[(m.value, label) for m, label in MARKETPLACE_LABELS.items()],
    )
    store = django_filters.ModelChoiceFilter(label=_("Store"), queryset=_stores)
    state = django_filters.ChoiceFilter(label=_("State"), choices=OrderState.choices)
    claim = django_filters.ChoiceFilter(
        label=_("Claim"),
        choices=[
            ("none", _("No open claim")),
            ("cancel", _("Cancel requested")),
            ("return", _("Return requested")),
            ("exchange", _("Exchange requested")),
        ],
        method="filter_claim",
    )
    courier = django_filters.ChoiceFilter(
        label=_("Courier"),
        choices=[(c.value, COURIER_NAMES_KO.get(c, c.value)) for c in CourierCode],
        method="filter_courier",
    )
    matched = django_filters.ChoiceFilter(
        label=_("SKU match"),
        choices=[("yes", _("All lines matched")), ("no", _("Some line without SKU"))],
        method="filter_matched",
    )
    needs_attention = django_filters.BooleanFilter(
        label=_("Needs attention"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    push_refused = django_filters.BooleanFilter(
        label=_("Channel refused the last action"),
        method="filter_push_refused",
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes"))]),
    )

    class Meta:
        model = Order
        fields = [
            "period",
            "ordered_from",
            "ordered_to",
            "marketplace",
            "store",
            "state",
            "claim",
            "courier",
            "matched",
            "needs_attention",
            "push_refused",
        ]

    def filter_period(self, queryset, name, value):
        days = int(value)
        return queryset.filter(ordered_at__gte=day_start(timezone.localdate() - timedelta(days=days)))

    def filter_from(self, queryset, name, value):
        return queryset.filter(ordered_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(ordered_at__lt=day_start(value + timedelta(days=1)))

    def filter_claim(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(open_claim_q())
        return queryset.filter(open_claim_q(value))

    def filter_courier(self, queryset, name, value):
        return queryset.filter(Exists(lines_of_order().filter(courier=value)))

    def filter_matched(self, queryset, name, value):
        unmatched = unmatched_exists()
        return queryset.filter(unmatched) if value == "no" else queryset.exclude(unmatched)

    def filter_push_refused(self, queryset, name, value):
        return queryset.filter(push_refused_exists()) if value else queryset


def orders_filtered(queryset, data, *, request=None):
    """The list as the desk shows it for these GET parameters (filters and ``q``), for the Excel
    download and "select all" bulk actions."""
    filters = OrderFilterSet(data or None, queryset=queryset, request=request)
    if filters.is_valid():
        queryset = filters.qs
    return orders_search(queryset, (data or {}).get("q", ""))


class MatchQueueFilterSet(WagtailFilterSet):
    store = django_filters.ModelChoiceFilter(label=_("Store"), queryset=_stores)
    closed = django_filters.BooleanFilter(
        label=_("Cancelled and returned lines"),
        method="filter_closed",
        widget=forms.Select(choices=[("", _("Hide")), ("true", _("Show"))]),
    )

    class Meta:
        model = OrderLine
        fields = ["store", "closed"]

    def filter_closed(self, queryset, name, value):
        return queryset  # applied by the view's base queryset (lines_needing_match)
