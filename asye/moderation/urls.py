"""The moderation pages' URL patterns, included in the `asye` namespace by `asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("moderation/", views.panels, name="moderation_panels"),
    path("moderation/new/", views.panel_create, name="moderation_panel_create"),
    path("moderation/<uuid:pk>/", views.panel, name="moderation_panel"),
    path("moderation/<uuid:pk>/members/", views.member_add, name="moderation_member_add"),
    path(
        "moderation/<uuid:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="moderation_member_remove",
    ),
    path("moderation/<uuid:pk>/allocate/", views.allocate, name="moderation_allocate"),
    path("moderation/<uuid:pk>/close/", views.panel_close, name="moderation_panel_close"),
    path("moderation/portfolios/<uuid:pk>/", views.allocation, name="moderation_allocation"),
    path("moderation/portfolios/<uuid:pk>/decision/", views.decide, name="moderation_decide"),
    path("moderation/portfolios/<uuid:pk>/final/", views.final_decision, name="moderation_final"),
    path("records/<uuid:pk>/certificate/", views.certificate, name="moderation_certificate"),
]
