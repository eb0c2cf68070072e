"""The project's URL root: allauth under /accounts/, the Django admin, and the apps."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

# The Django admin signs people in through allauth (password, then the authenticator code, with
# the same rate limits) and opens only to superusers: staff roles work in the portal's own pages.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


def _superusers_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("asye/", include("asye.urls")),
    path("cpd/", include("cpd.urls")),
    path("programmes/", include("programmes.urls")),
    path("placements/", include("placements.urls")),
    path("", include("academy.urls")),
]

handler403 = "academy.views.error_403"
handler404 = "academy.views.error_404"
