"""The export pages' URL patterns, included in the `asye` namespace by `asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/export/", views.export, name="export"),
    path("records/<uuid:pk>/export/new/", views.export_request, name="export_request"),
    path("records/<uuid:pk>/export/<uuid:export_pk>/", views.export_status, name="export_status"),
    path(
        "records/<uuid:pk>/export/<uuid:export_pk>/<str:part>/",
        views.export_download,
        name="export_download",
    ),
]
