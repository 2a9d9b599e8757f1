from django.http import JsonResponse
from django.views.decorators.http import require_GET
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import system_health


@require_GET
def healthz(request):
    """Liveness for process managers and load balancers: database and cache only, no detail."""
    checks = system_health(keys={"database", "cache"})
    ok = all(check.ok for check in checks)
    return JsonResponse({"ok": ok}, status=200 if ok else 503)


class ApiRootView(APIView):
    """Answers so API clients (and the allowed-IP check) have a stable endpoint before /api/v1/ exists."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"name": "jangteo", "versions": []})
