from django.urls import path

from . import views
from .compliance.urls import compliance_urlpatterns
from .peer.urls import urlpatterns as peer_urlpatterns
from .transfer.urls import transfer_urlpatterns

app_name = "cpd"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("tracker/", views.tracker, name="tracker"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<uuid:pk>/", views.record, name="record"),
    path("records/<uuid:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<uuid:pk>/complete/", views.record_complete, name="record_complete"),
    path("records/<uuid:pk>/peer-reflection/", views.peer_reflection, name="peer_reflection"),
    path("records/<uuid:pk>/copy/", views.copy_pack, name="copy_pack"),
    *peer_urlpatterns,
    *compliance_urlpatterns,
    *transfer_urlpatterns,
]
