"""The project's URL root: allauth under /accounts/, the Django admin, and the apps."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("academy.urls")),
]

handler403 = "academy.views.error_403"
handler404 = "academy.views.error_404"
