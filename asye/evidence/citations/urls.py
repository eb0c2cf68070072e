"""Citing a CPD record, part of the `asye` namespace (spliced into asye/evidence/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/evidence/cite/", views.evidence_cite, name="evidence_cite"),
    path(
        "records/<uuid:pk>/evidence/cite/<uuid:cpd_pk>/",
        views.evidence_cite_record,
        name="evidence_cite_record",
    ),
]
