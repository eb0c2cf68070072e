from django.urls import path

from . import views

urlpatterns = [
    path("funding/", views.funding, name="funding"),
    path("funding/claims.csv", views.funding_csv, name="funding_csv"),
    path("funding/records/<uuid:pk>/", views.funding_record, name="funding_record"),
    path("funding/records/<uuid:pk>/register/", views.funding_register, name="funding_register"),
    path("funding/records/<uuid:pk>/claim/", views.funding_claim, name="funding_claim"),
    path("funding/claims/<uuid:pk>/paid/", views.funding_claim_paid, name="funding_claim_paid"),
]
