"""Peer confirmation URLs, part of the `cpd` namespace (spliced into cpd/urls.py). The peer's
link page (`peer/<request id>/<token>/`) is public."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/peer-confirmation/", views.peer_requests, name="peer_requests"),
    path("peer/<uuid:pk>/<str:token>/", views.peer_confirm, name="peer_confirm"),
]
