from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from verification.api.errors import api_not_found


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: send them to the SVG that WhiteNoise
    serves (a temporary redirect, as the file's hashed name changes with its content)."""
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("verification.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split: the page loads its start-up script from a URL, so the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Any other /api/v1/ path is a problem+json 404: never a slash redirect, even with DEBUG on.
    re_path(r"^api/v1/", api_not_found),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("verification.urls")),
]

# /api/ paths answer problem+json; the rest get Django's pages.
handler400 = "verification.api.errors.handler400"
handler404 = "verification.api.errors.handler404"
handler500 = "verification.api.errors.handler500"
