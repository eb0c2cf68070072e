"""The year's-end URL patterns, included in the `asye` namespace by `asye/urls.py`."""

from django.urls import path

from . import views

urlpatterns = [
    path("records/<uuid:pk>/final/", views.final, name="final"),
    path("records/<uuid:pk>/final/reflection/", views.final_reflection, name="final_reflection"),
    path("records/<uuid:pk>/final/report/", views.final_report, name="final_report"),
    path("records/<uuid:pk>/final/endorsement/", views.final_endorsement, name="final_endorsement"),
    path("records/<uuid:pk>/final/sign/<slug:capacity>/", views.final_sign, name="final_sign"),
    path("records/<uuid:pk>/anonymisation/", views.final_anonymisation, name="final_anonymisation"),
    path(
        "records/<uuid:pk>/anonymisation/confirm/",
        views.final_anonymisation_confirm,
        name="final_anonymisation_confirm",
    ),
    path("records/<uuid:pk>/moderation/submission/", views.submission, name="submission"),
    path("records/<uuid:pk>/moderation/submit/", views.submission_submit, name="submission_submit"),
    path("records/<uuid:pk>/pause/", views.record_pause, name="record_pause"),
    path("records/<uuid:pk>/pause/end/", views.record_pause_end, name="record_pause_end"),
    path("records/<uuid:pk>/extend/", views.record_extend, name="record_extend"),
    path("records/<uuid:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
]
