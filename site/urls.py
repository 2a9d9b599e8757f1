from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls

from modules.core.views import healthz

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/", include("oms_site.api_urls")),
    path("healthz", healthz, name="healthz"),
    # The product is the admin; there is no public site to serve.
    path("", RedirectView.as_view(pattern_name="wagtailadmin_home", permanent=False)),
]
