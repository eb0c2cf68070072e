"""Included by academy/urls.py, inside the `academy` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("save/", views.draft_save, name="draft_save"),
    path("discard/", views.draft_discard, name="draft_discard"),
]
