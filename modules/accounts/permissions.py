"""Wagtail permission policy that maps a model's admin actions onto a menu area's rights."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from .areas import user_has_area_right

VIEW_ACTIONS = frozenset({"view", "inspect", "export"})


class AreaPermissionPolicy(BasePermissionPolicy):
    """view/inspect/export need the area's view right; every other action its edit right.

    ``read_only`` models (logs) refuse add/change/delete to everyone, superusers included:
    a log is evidence and is only ever removed by its retention purge.
    """

    def __init__(self, model, *, area: str, read_only: bool = False):
        super().__init__(model)
        self.area = area
        self.read_only = read_only

    def _right(self, action: str) -> str | None:
        if action in VIEW_ACTIONS:
            return "view"
        return None if self.read_only else "edit"

    def user_has_permission(self, user, action):
        right = self._right(action)
        return right is not None and user_has_area_right(user, self.area, right)

    def users_with_any_permission(self, actions):
        rights = {self._right(action) for action in actions} - {None}
        user_model = get_user_model()
        if not rights:
            return user_model.objects.none()
        # Edit implies view, as in user_has_area_right.
        codenames = {f"{self.area}_edit"} | ({f"{self.area}_view"} if "view" in rights else set())
        perms = Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        return user_model.objects.filter(
            Q(is_superuser=True) | Q(user_permissions__in=perms) | Q(groups__permissions__in=perms),
            is_active=True,
        ).distinct()
