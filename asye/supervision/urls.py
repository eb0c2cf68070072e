"""Supervision, workload and protected time URL patterns, included in the `asye` namespace by
`asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.supervision_overview, name="supervision_overview"),
    path("records/<uuid:pk>/supervision/", views.supervisions, name="supervisions"),
    path("records/<uuid:pk>/supervision/new/", views.supervision_new, name="supervision_new"),
    path("records/<uuid:pk>/supervision/<uuid:sid>/", views.supervision, name="supervision"),
    path("records/<uuid:pk>/supervision/<uuid:sid>/edit/", views.supervision_edit, name="supervision_edit"),
    path(
        "records/<uuid:pk>/supervision/<uuid:sid>/confirm/",
        views.supervision_confirm,
        name="supervision_confirm",
    ),
    path("records/<uuid:pk>/workload/", views.workload, name="workload"),
    path("records/<uuid:pk>/workload/caseload/", views.caseload_record, name="caseload_record"),
    path(
        "records/<uuid:pk>/workload/protected-time/new/", views.protected_time_add, name="protected_time_add"
    ),
    path(
        "records/<uuid:pk>/workload/protected-time/<uuid:entry>/remove/",
        views.protected_time_remove,
        name="protected_time_remove",
    ),
]
