"""REST API root. The Open API issue adds /api/v1/ resources here; the allow-list already guards /api/."""

from django.urls import path

from modules.core.views import ApiRootView

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
]
