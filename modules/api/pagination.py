from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import ApiError


class IdCursorPagination(CursorPagination):
    """Newest first by id: a unique, never-reused key, so pages stay stable while rows are inserted."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 100
    cursor_query_description = "Opaque cursor from `next` / `previous` of the previous page."
    page_size_query_description = "Rows per page (1–100, default 50)."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ApiError(
                "invalid",
                _("limit must be a whole number from 1 to %(max)s.") % {"max": self.max_page_size},
                fields={"limit": [_("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]},
            )
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ApiError(
                "invalid_cursor",
                _("The cursor is not valid. Start again from the first page."),
                fields={"cursor": [_("Not a cursor returned by this API.")]},
            ) from None
