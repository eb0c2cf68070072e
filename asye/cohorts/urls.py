from django.urls import path

from . import views

urlpatterns = [
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/workload/", views.workload, name="assessor_workload"),
    path("cohorts/figures/", views.workforce_figures, name="workforce_figures"),
    path("cohorts/figures.csv", views.workforce_figures_csv, name="workforce_figures_csv"),
    path("cohorts/dashboard/", views.cohort_dashboard, name="cohort_dashboard"),
    path("cohorts/dashboard/<slug:table>.csv", views.cohort_dashboard_csv, name="cohort_dashboard_csv"),
    path("cohorts/import-template.csv", views.import_template, name="cohort_import_template"),
    path("cohorts/<uuid:pk>/", views.cohort, name="cohort"),
    path("cohorts/<uuid:pk>/import/", views.cohort_import, name="cohort_import"),
    path("cohorts/<uuid:pk>/import/confirm/", views.cohort_import_confirm, name="cohort_import_confirm"),
    path("cohorts/<uuid:pk>/assign/", views.cohort_assign, name="cohort_assign"),
    path("cohorts/<uuid:pk>/start-records/", views.cohort_start_records, name="cohort_start_records"),
    path("cohorts/imports/<uuid:pk>/", views.cohort_import_job, name="cohort_import_job"),
    path(
        "cohorts/imports/<uuid:pk>/confirm/",
        views.cohort_import_job_confirm,
        name="cohort_import_job_confirm",
    ),
]
