"""Evidence URLs, part of the `asye` namespace (included by asye/urls.py)."""

from django.urls import path

from . import views
from .citations.urls import urlpatterns as citation_urlpatterns

urlpatterns = [
    path("records/<uuid:pk>/evidence/", views.evidence_list, name="evidence_list"),
    path("records/<uuid:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("records/<uuid:pk>/evidence/new/<slug:kind>/", views.evidence_new, name="evidence_new"),
    path("records/<uuid:pk>/framework-map/", views.framework_map, name="framework_map"),
    path("evidence/to-review/", views.evidence_queue, name="evidence_queue"),
    path("evidence/<uuid:pk>/", views.evidence, name="evidence"),
    path("evidence/<uuid:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<uuid:pk>/check/", views.evidence_check, name="evidence_check"),
    path("evidence/<uuid:pk>/confirm/", views.evidence_flag_confirm, name="evidence_flag_confirm"),
    path("evidence/<uuid:pk>/submit/", views.evidence_submit, name="evidence_submit"),
    path("evidence/<uuid:pk>/return/", views.evidence_return, name="evidence_return"),
    path("evidence/<uuid:pk>/accept/", views.evidence_accept, name="evidence_accept"),
    path("evidence/<uuid:pk>/comment/", views.evidence_comment, name="evidence_comment"),
    path("evidence/<uuid:pk>/observer/", views.evidence_observer, name="evidence_observer"),
    *citation_urlpatterns,
]
