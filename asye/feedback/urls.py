"""Feedback URLs, part of the `asye` namespace (included by asye/urls.py). The giver's pages
(`feedback/link/…`, `feedback/code/`, `feedback/give/`, `feedback/thanks/`) are public."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/feedback/", views.feedback_requests, name="feedback_requests"),
    path("records/<uuid:pk>/feedback/new/", views.feedback_request_create, name="feedback_request_create"),
    path("feedback/<uuid:pk>/withdraw/", views.feedback_request_revoke, name="feedback_request_revoke"),
    path("feedback/link/<str:token>/", views.feedback_link, name="feedback_link"),
    path("feedback/code/", views.feedback_code, name="feedback_code"),
    path("feedback/give/", views.feedback_give, name="feedback_give"),
    path("feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
]
