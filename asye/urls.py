from django.urls import path

from . import views
from .agreement import urls as agreement_urls
from .cohorts import urls as cohorts_urls
from .evidence.urls import urlpatterns as evidence_urlpatterns
from .export import urls as export_urls
from .feedback.urls import urlpatterns as feedback_urlpatterns
from .final import urls as final_urls
from .funding import urls as funding_urls
from .moderation import urls as moderation_urls
from .reviews import urls as reviews_urls
from .supervision import urls as supervision_urls
from .year.urls import urlpatterns as year_urlpatterns

app_name = "asye"

urlpatterns = [
    path("records/", views.records, name="records"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<uuid:pk>/", views.record, name="record"),
    path("records/<uuid:pk>/assessor/", views.record_assessor, name="record_assessor"),
    path("mine/", views.my_record, name="my_record"),
    path("assigned/", views.assigned, name="assigned"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<slug:type_slug>/publish/", views.programme_publish, name="programme_publish"),
    path(
        "programmes/<slug:type_slug>/<slug:version_slug>/", views.programme_version, name="programme_version"
    ),
    *evidence_urlpatterns,
    *year_urlpatterns,
    *feedback_urlpatterns,
]

# The support and assessment agreement and the development plans (asye/agreement/).
urlpatterns += agreement_urls.urlpatterns

# Supervision, workload and protected time (asye/supervision/).
urlpatterns += supervision_urls.urlpatterns
# Progress reviews (asye/reviews/).
urlpatterns += reviews_urls.urlpatterns
# Cohorts, their import and bulk assignment (asye/cohorts/).
urlpatterns += cohorts_urls.urlpatterns
# Registration for ASYE funding and its claims (asye/funding/).
urlpatterns += funding_urls.urlpatterns
# The year's end: final assessment, extension, withdrawal, submission to moderation (asye/final/).
urlpatterns += final_urls.urlpatterns
# Portfolio export, PDF and ZIP (asye/export/).
urlpatterns += export_urls.urlpatterns
# Moderation panels, the checklist, the final decision and the certificate (asye/moderation/).
urlpatterns += moderation_urls.urlpatterns
