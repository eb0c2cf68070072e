from django.urls import path

from . import views

transfer_urlpatterns = [
    path("years/<slug:year>/cpd.pdf", views.year_pdf, name="year_pdf"),
    path("years/<slug:year>/cpd.csv", views.year_csv, name="year_csv"),
    path("import/", views.import_start, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
]
