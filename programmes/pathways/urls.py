"""Career pathway URLs, part of the `programmes` namespace (spliced into programmes/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("pathways/", views.pathways, name="pathways"),
    path("pathways/new/", views.pathway_create, name="pathway_create"),
    path("pathways/standard/", views.pathway_add_standard, name="pathway_add_standard"),
    path("pathways/<uuid:pk>/", views.pathway, name="pathway"),
    path("pathways/<uuid:pk>/edit/", views.pathway_edit, name="pathway_edit"),
    path("pathways/<uuid:pk>/position/", views.pathway_position, name="pathway_position"),
    path("pathways/<uuid:pk>/steps/new/", views.step_create, name="pathway_step_create"),
    path("pathway-steps/<uuid:pk>/edit/", views.step_edit, name="pathway_step_edit"),
]
