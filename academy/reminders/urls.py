"""Included by academy/urls.py, inside the `academy` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.reminders, name="reminders"),
    path("preferences/", views.reminder_preferences, name="reminder_preferences"),
    path("<uuid:pk>/retry/", views.reminder_retry, name="reminder_retry"),
]
