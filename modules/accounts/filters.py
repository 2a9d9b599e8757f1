import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from .models import AccessLog, LoginLog


class AccessLogFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    username = django_filters.CharFilter(label=_("Username"), lookup_expr="exact")
    method = django_filters.ChoiceFilter(
        label=_("Method"),
        choices=[(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")],
    )
    status = django_filters.NumberFilter(label=_("Status code"))
    ip = django_filters.CharFilter(label=_("IP"), lookup_expr="exact")

    class Meta:
        model = AccessLog
        fields = ["created_at", "username", "method", "status", "ip"]


class LoginLogFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    username = django_filters.CharFilter(label=_("Username"), lookup_expr="exact")
    success = django_filters.BooleanFilter(label=_("Success"))
    reason = django_filters.ChoiceFilter(label=_("Result"), choices=LoginLog.Reason.choices)
    ip = django_filters.CharFilter(label=_("IP"), lookup_expr="exact")

    class Meta:
        model = LoginLog
        fields = ["created_at", "username", "success", "reason", "ip"]
