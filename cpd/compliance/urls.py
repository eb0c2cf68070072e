from django.urls import path

from . import views

compliance_urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export.csv", views.compliance_csv, name="compliance_csv"),
]
