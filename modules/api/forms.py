from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import ALL_SCOPES, SCOPE_AREAS

LEVEL_LABELS = {"read": _("read"), "write": _("read and write")}
SCOPE_CHOICES = [
    (f"{area}:{level}", f"{label}: {LEVEL_LABELS[level]} ({area}:{level})")
    for area, label in SCOPE_AREAS
    for level in ("read", "write")
]


class ApiClientForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean_scopes(self):
        chosen = set(self.cleaned_data["scopes"])
        return [scope for scope in ALL_SCOPES if scope in chosen]


class ApiTokenForm(WagtailAdminModelForm):
    pass
