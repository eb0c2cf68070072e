"""The agreement's and development plans' URL patterns, included in the `asye` namespace by
`asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/agreement/", views.agreement, name="agreement"),
    path("records/<uuid:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path(
        "records/<uuid:pk>/agreement/versions/<int:number>/",
        views.agreement_version,
        name="agreement_version",
    ),
    path(
        "records/<uuid:pk>/agreement/versions/<int:number>/sign/<slug:capacity>/",
        views.agreement_sign,
        name="agreement_sign",
    ),
    path("records/<uuid:pk>/plans/", views.plans, name="plans"),
    path("records/<uuid:pk>/plans/<slug:period>/add/", views.plan_row_add, name="plan_row_add"),
    path("records/<uuid:pk>/plans/rows/<uuid:row>/", views.plan_row_edit, name="plan_row_edit"),
    path("records/<uuid:pk>/plans/rows/<uuid:row>/review/", views.plan_row_review, name="plan_row_review"),
    path("records/<uuid:pk>/plans/rows/<uuid:row>/remove/", views.plan_row_remove, name="plan_row_remove"),
]
