from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_for
from .organisations.selectors import organisation_settings_for
from .selectors import unread_notification_count


def academy(request: HttpRequest) -> dict[str, object]:
    organisation = getattr(request, "organisation", None)
    memberships = getattr(request, "memberships", [])
    context: dict[str, object] = {
        "academy_name": settings.ACADEMY_NAME,
        "academy_colour": (
            organisation_settings_for(organisation).brand_colour if organisation else settings.ACADEMY_COLOUR
        ),
        "mfa_relaxed": not settings.MFA_REQUIRED_FOR_STAFF,
        "current_organisation": organisation,
        "nav_items": [],
        "organisation_choices": [],
        "unread_notification_count": 0,
    }
    if organisation is not None and not getattr(request, "needs_mfa", False):
        context["nav_items"] = nav_for(roles=request.roles, path=request.path, request=request)  # type: ignore[attr-defined]
        roles_by_org: dict[int, list[str]] = {}
        for m in memberships:
            roles_by_org.setdefault(m.organisation.pk, []).append(m.get_role_display())
        names = {m.organisation.pk: m.organisation.name for m in memberships}
        context["organisation_choices"] = [
            (pk, f"{names[pk]} ({', '.join(roles)})") for pk, roles in roles_by_org.items()
        ]
        context["unread_notification_count"] = unread_notification_count(user=request.user)  # type: ignore[arg-type]
    elif getattr(request, "personal_only", False):
        # Every employment has ended (docs/adr/0012): their own records, nothing of an organisation.
        context["nav_items"] = nav_for(roles=(), path=request.path, request=request, personal_only=True)
    return context
