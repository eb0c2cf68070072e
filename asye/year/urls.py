"""The year page, part of the `asye` namespace (included by asye/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/year/", views.year, name="year"),
]
