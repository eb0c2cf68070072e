from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("educators/", views.register, name="register"),
    path("educators/add/", views.educator_add, name="educator_add"),
    path("educators/mine/", views.my_entry, name="my_entry"),
    path("educators/<uuid:pk>/", views.educator, name="educator"),
    path("educators/<uuid:pk>/change/", views.educator_edit, name="educator_edit"),
]

urlpatterns += [
    path("partners/", views.partners, name="partners"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_add, name="request_add"),
    path("requests/<uuid:pk>/", views.placement_request, name="request"),
    path("requests/<uuid:pk>/offer/", views.offer_add, name="offer_add"),
]

urlpatterns += [
    path("requests/<uuid:pk>/match/", views.match, name="match"),
    path("requests/<uuid:pk>/match/confirm/", views.match_confirm, name="match_confirm"),
    path("", views.placements, name="placements"),
    path("<uuid:pk>/", views.placement, name="placement"),
]

urlpatterns += [
    path("<uuid:pk>/days/new/", views.day_add, name="day_add"),
    path("<uuid:pk>/days/confirm/", views.days_confirm_all, name="days_confirm_all"),
    path("<uuid:pk>/days/<uuid:day_pk>/confirm/", views.day_confirm, name="day_confirm"),
    path("<uuid:pk>/extend/", views.extension_add, name="extension_add"),
]

urlpatterns += [
    path("<uuid:pk>/records/new/<slug:kind>/", views.document_add, name="document_add"),
    path("<uuid:pk>/records/<uuid:doc_pk>/", views.document, name="document"),
    path("<uuid:pk>/records/<uuid:doc_pk>/change/", views.document_edit, name="document_edit"),
    path("<uuid:pk>/records/<uuid:doc_pk>/sign/", views.document_sign, name="document_sign"),
]

urlpatterns += [
    path("figures/", views.figures, name="figures"),
    path("figures/export.csv", views.figures_csv, name="figures_csv"),
]
