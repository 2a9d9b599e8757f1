"""The "menu rights" panel on Wagtail's group page: one row per area, view / edit / personal data."""

from django import forms
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .areas import AREAS, RIGHTS

RIGHT_LABELS = {"view": _("View"), "edit": _("Edit"), "pii": _("Personal data")}


class AreaRightsForm(forms.Form):
    """Saved together with the group by Wagtail's group create/edit views."""

    def __init__(self, *args, instance, **kwargs):
        kwargs.setdefault("prefix", "area_rights")
        self.instance = instance
        self.permissions = {
            perm.codename: perm
            for perm in Permission.objects.filter(content_type__app_label="accounts", content_type__model="areaaccess")
        }
        if instance is not None and instance.pk is not None:
            granted = set(
                instance.permissions.filter(pk__in=[p.pk for p in self.permissions.values()]).values_list(
                    "codename", flat=True
                )
            )
            kwargs["initial"] = dict.fromkeys(granted, True)
        super().__init__(*args, **kwargs)
        for area, _ko, label in AREAS:
            for right, _right_ko in RIGHTS:
                self.fields[f"{area}_{right}"] = forms.BooleanField(
                    label=f"{label}: {RIGHT_LABELS[right]}", required=False
                )

    @property
    def rows(self):
        for area, _ko, label in AREAS:
            yield label, [self[f"{area}_{right}"] for right, _right_ko in RIGHTS]

    def as_admin_panel(self):
        return render_to_string(
            "accounts/group_area_rights.html",
            {"form": self, "rights": [RIGHT_LABELS[right] for right, _ko in RIGHTS]},
        )

    def save(self):
        wanted = {codename for codename, value in self.cleaned_data.items() if value}
        # "Edit" and "personal data" are only usable with "view": grant it with them.
        for codename in list(wanted):
            area, _right = codename.rsplit("_", 1)
            wanted.add(f"{area}_view")
        area_perms = list(self.permissions.values())
        self.instance.permissions.remove(*[p for p in area_perms if p.codename not in wanted])
        self.instance.permissions.add(*[p for p in area_perms if p.codename in wanted])
        from .services import group_media_rights_sync

        group_media_rights_sync(group=self.instance)
