from django.urls import include, path

from . import views
from .health import views as health
from .idle_timeout import views as idle_timeout
from .organisations import views as organisation_views

app_name = "academy"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/switch/", views.organisation_switch, name="organisation_switch"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invitations/", views.invitations, name="invitations"),
    path("people/teams/", views.teams, name="teams"),
    path("people/invitations/<uuid:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("people/invitations/<uuid:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("people/<uuid:pk>/", views.membership_detail, name="membership"),
    path("people/<uuid:pk>/role/", views.membership_role, name="membership_role"),
    path("people/<uuid:pk>/dates/", views.membership_dates, name="membership_dates"),
    path("people/<uuid:pk>/deactivate/", views.membership_deactivate, name="membership_deactivate"),
    path("people/<uuid:pk>/reactivate/", views.membership_reactivate, name="membership_reactivate"),
    # The token-free page comes first: the link's token moves into the session and leads here.
    path("invitations/accept/", views.invitation_continue, name="invitation_continue"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<uuid:pk>/read/", views.notification_read, name="notification_read"),
    path("audit/", views.audit_log, name="audit_log"),
    path("organisations/", organisation_views.organisations, name="organisations"),
    path(
        "organisations/<slug:slug>/settings/",
        organisation_views.organisation_settings,
        name="organisation_settings",
    ),
    path("outbox/", include("academy.outbox.urls")),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path(
        "frameworks/<slug:framework_slug>/<slug:version_slug>/",
        views.framework_version,
        name="framework_version",
    ),
    path("files/", include("academy.files.urls")),
    path("drafts/", include("academy.drafts.urls")),
    path("reminders/", include("academy.reminders.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("session/extend/", idle_timeout.session_extend, name="session_extend"),
    path("session/status/", idle_timeout.session_status, name="session_status"),
    path("health/", health.ready, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
]
