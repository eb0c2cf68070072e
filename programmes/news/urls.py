"""Academy news URLs, part of the `programmes` namespace (spliced into programmes/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("news/", views.news, name="news"),
    path("news/new/", views.bulletin_create, name="bulletin_create"),
    path("news/sent/", views.news_sent, name="news_sent"),
    path("news/<uuid:pk>/", views.bulletin, name="bulletin"),
]
