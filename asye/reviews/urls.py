"""The review pages' URL patterns, included in the `asye` namespace by `asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.reviews_assigned, name="reviews_assigned"),
    path("records/<uuid:pk>/reviews/", views.reviews, name="reviews"),
    path("records/<uuid:pk>/reviews/<slug:key>/", views.review, name="review"),
    path(
        "records/<uuid:pk>/reviews/<slug:key>/reflection/", views.review_reflection, name="review_reflection"
    ),
    path("records/<uuid:pk>/reviews/<slug:key>/support/", views.review_support, name="review_support"),
    path(
        "records/<uuid:pk>/reviews/<slug:key>/assessment/", views.review_assessment, name="review_assessment"
    ),
    path("records/<uuid:pk>/reviews/<slug:key>/sign/<slug:capacity>/", views.review_sign, name="review_sign"),
]
