"""Included by academy/urls.py, inside the `academy` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<uuid:pk>/", views.outbox_message, name="outbox_message"),
    path("<uuid:pk>/retry/", views.outbox_retry, name="outbox_retry"),
]
