from django.urls import path

from . import views
from .news.urls import urlpatterns as news_urlpatterns
from .pathways.urls import urlpatterns as pathway_urlpatterns

app_name = "programmes"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.programme_create, name="programme_create"),
    path("<uuid:pk>/", views.programme, name="programme"),
    path("<uuid:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<uuid:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<uuid:pk>/", views.session, name="session"),
    path("sessions/<uuid:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<uuid:pk>/book/", views.session_book, name="session_book"),
    path("sessions/<uuid:pk>/register/", views.register, name="register"),
    path("facilitating/", views.facilitating, name="facilitating"),
    path("sessions/<uuid:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<uuid:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:pk>/feedback/", views.feedback, name="feedback"),
    path("bookings/<uuid:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("bookings/<uuid:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<uuid:pk>/approve/", views.booking_approve, name="booking_approve"),
    path("approvals/<uuid:pk>/decline/", views.booking_decline, name="booking_decline"),
    path("reports/", views.report, name="report"),
    path("reports/programmes.csv", views.report_csv, name="report_csv"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new/", views.calendar_mint, name="calendar_mint"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    *pathway_urlpatterns,
    *news_urlpatterns,
]
