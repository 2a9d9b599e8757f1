from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions


class HasScope(permissions.BasePermission):
    """The view names its area (``scope_area``); safe methods need read, the rest write.

    A view may set ``scope_level`` per action via ``scope_levels = {"post": "write"}``."""

    def has_permission(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None:
            raise exceptions.NotAuthenticated()
        area = view.scope_area
        method = request.method.lower()
        level = getattr(view, "scope_levels", {}).get(method)
        if level is None:
            level = "read" if request.method in permissions.SAFE_METHODS else "write"
        if not client.has_scope(area, level):
            raise exceptions.PermissionDenied(
                detail=_("This token needs the scope %(scope)s.") % {"scope": f"{area}:{level}"},
                code="scope_missing",
            )
        return True
