"""Core pages: home, people and invitations, notifications, audit log, frameworks, and the
public pages (invitation link, accessibility statement; health lives in academy/health/). Views
stay thin: bind a form, call one service or selector, render or redirect. Data comes only
through access selectors."""

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import presenters, selectors, services
from .adapters import INVITATION_SESSION_KEY
from .forms import FrameworkVersionImportForm, InvitationForm, RoleChangeForm, TeamForm
from .middleware import ORGANISATION_SESSION_KEY
from .models import Invitation
from .roles import STAFF_ROLES, Role, grantable_roles
from .web import AcademyRequest, add_form_errors, paginate, posted, roles_required

# --- Home -------------------------------------------------------------------------------------


@require_GET
def home(request: AcademyRequest) -> HttpResponse:
    if request.organisation is None:
        # Only a superuser without memberships reaches here; everyone else is refused sign-in.
        return render(request, "academy/home_no_organisation.html")
    scope = request.scope
    roles = request.roles
    context: dict[str, Any] = {
        "memberships": request.memberships,
        "notifications": list(
            selectors.notifications_visible_to(user=request.user).filter(read_at__isnull=True)[:5]
        ),
        "is_staff_role": bool(roles & STAFF_ROLES),
    }
    if context["is_staff_role"]:
        context["pending_invitations"] = list(
            selectors.invitations_visible_to(scope=scope).filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            )[:5]
        )
        context["people_table_head"] = ["Role", "Active people"]
        context["people_by_role"] = context["people_table_rows"] = [
            [Role(row["role"]).label, str(row["n"])]
            for row in selectors.memberships_visible_to(scope=scope)
            .filter(is_active=True)
            .order_by()
            .values("role")
            .annotate(n=Count("id"))
            .order_by("role")
        ]
    if Role.ACADEMY_ADMIN in roles:
        context["recent_audit"] = [
            presenters.audit_row(entry) for entry in selectors.audit_entries_visible_to(scope=scope)[:5]
        ]
    return render(request, "academy/home.html", context)


@require_POST
def organisation_switch(request: AcademyRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    for membership in request.memberships:
        if str(membership.organisation.pk) == wanted:
            request.session[ORGANISATION_SESSION_KEY] = membership.organisation.pk
            messages.success(request, f"You are now working in {membership.organisation.name}.")
            return redirect("academy:home")
    raise PermissionDenied("You are not a member of that organisation.")


# --- People and invitations ---------------------------------------------------------------------


@require_GET
@roles_required(*STAFF_ROLES)
def people(request: AcademyRequest) -> HttpResponse:
    memberships = selectors.memberships_visible_to(scope=request.scope)
    query = request.GET.get("q", "").strip()
    if query:
        memberships = memberships.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    page = paginate(request, memberships)
    rows = [(m, presenters.membership_tag(m)) for m in page.object_list]
    return render(request, "academy/people.html", {"page": page, "rows": rows, "query": query})


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def invite(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    organisations = selectors.organisations_manageable_by(scope=scope)
    roles = grantable_roles(set(request.roles))
    form = InvitationForm(posted(request), organisations=organisations, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {issued.invitation.email}.")
            return redirect("academy:invitations")
    return render(
        request, "academy/invite.html", {"form": form, "expiry_days": settings.INVITATION_EXPIRY_DAYS}
    )


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def teams(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    form = TeamForm(posted(request), organisations=selectors.organisations_manageable_by(scope=scope))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} added to {team.organisation.name}.")
            return redirect("academy:teams")
    page = paginate(request, selectors.teams_visible_to(scope=scope))
    return render(request, "academy/teams.html", {"page": page, "form": form})


@require_GET
@roles_required(*STAFF_ROLES)
def invitations(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.invitations_visible_to(scope=request.scope))
    rows = [presenters.invitation_row(i) for i in page.object_list]
    crumbs = [("People", reverse("academy:people")), ("Invitations", "")]
    return render(request, "academy/invitations.html", {"page": page, "rows": rows, "crumbs": crumbs})


def _invitation_action(
    request: AcademyRequest, pk: str, action: Callable[..., Any], done: str
) -> HttpResponse:
    invitation = selectors.invitation_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        action(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(email=invitation.email))
    return redirect("academy:invitations")


@require_POST
@roles_required(*STAFF_ROLES)
def invitation_resend(request: AcademyRequest, pk: str) -> HttpResponse:
    return _invitation_action(
        request, pk, services.invitation_resend, "A new invitation link was sent to {email}."
    )


@require_POST
@roles_required(*STAFF_ROLES)
def invitation_revoke(request: AcademyRequest, pk: str) -> HttpResponse:
    return _invitation_action(
        request,
        pk,
        services.invitation_revoke,
        "The invitation for {email} was revoked. Its link no longer works.",
    )


@require_GET
@roles_required(*STAFF_ROLES)
def membership_detail(request: AcademyRequest, pk: str) -> HttpResponse:
    membership = selectors.membership_get_for_user(scope=request.scope, pk=pk)
    form = RoleChangeForm(roles=_roles_for(request, membership), current=membership.role)
    return _membership_page(request, membership, form)


def _roles_for(request: AcademyRequest, membership: Any) -> list[Role]:
    return grantable_roles(selectors.roles_held_over(user=request.user, organisation=membership.organisation))


def _membership_page(request: AcademyRequest, membership: Any, form: RoleChangeForm) -> HttpResponse:
    form.helper.form_action = reverse("academy:membership_role", args=[membership.pk])
    context = {
        "membership": membership,
        "tag": presenters.membership_tag(membership),
        "form": form,
        "other_memberships": selectors.memberships_visible_to(scope=request.scope)
        .filter(user=membership.user)
        .exclude(pk=membership.pk),
        "can_change": membership.role in _roles_for(request, membership),
        "is_self": membership.user_id == request.user.pk,
    }
    return render(request, "academy/membership_detail.html", context)


@require_POST
@roles_required(*STAFF_ROLES)
def membership_role(request: AcademyRequest, pk: str) -> HttpResponse:
    membership = selectors.membership_get_for_user(scope=request.scope, pk=pk, write=True)
    form = RoleChangeForm(request.POST, roles=_roles_for(request, membership))
    if form.is_valid():
        try:
            before = membership.get_role_display()
            changed = services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            name, after = membership.user.display_name, changed.get_role_display()
            if after == before:
                messages.info(request, f"{name} is already {before.lower()}: nothing changed.")
            else:
                messages.success(request, f"{name}'s role changed from {before} to {after}.")
            return redirect("academy:membership", pk=membership.pk)
    return _membership_page(request, membership, form)


def _set_active(request: AcademyRequest, pk: str, *, active: bool) -> HttpResponse:
    membership = selectors.membership_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        services.membership_set_active(actor=request.user, membership=membership, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = membership.user.display_name
        messages.success(request, f"{name} was {'reactivated' if active else 'deactivated'}.")
    return redirect("academy:membership", pk=membership.pk)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def membership_deactivate(request: AcademyRequest, pk: str) -> HttpResponse:
    """GET asks "are you sure?"; POST deactivates."""
    if request.method == "POST":
        return _set_active(request, pk, active=False)
    membership = selectors.membership_get_for_user(scope=request.scope, pk=pk, write=True)
    return render(request, "academy/membership_deactivate.html", {"membership": membership})


@require_POST
@roles_required(*STAFF_ROLES)
def membership_reactivate(request: AcademyRequest, pk: str) -> HttpResponse:
    return _set_active(request, pk, active=True)


# --- The invitation link (public) ---------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Someone new sets a password (allauth's sign-up, opened
    by the token); someone who already has an account accepts with one button. The token in the
    email proves they own the address, as a password-reset link would."""
    invitation = services.invitation_find_by_token(token=token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        status = invitation.status if invitation else None
        return render(
            request, "academy/invitation_invalid.html", {"status": status}, status=410 if invitation else 404
        )
    current = request.user if request.user.is_authenticated else None
    signed_in = current is not None
    if current is not None and current.email.lower() != invitation.email.lower():
        return render(
            request, "academy/invitation_wrong_account.html", {"invitation": invitation}, status=403
        )
    account = current or selectors.user_get_by_email(email=invitation.email)
    try:
        services.invitation_check_usable(invitation=invitation, user=account)
    except ValidationError as error:
        return _invitation_refused(request, error)
    if account is None:
        request.session[INVITATION_SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        return redirect("account_signup")
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=account)
        except ValidationError as error:  # lost a race with another accept
            return _invitation_refused(request, error)
        joined = f"You joined {invitation.organisation.name} as {invitation.get_role_display().lower()}."
        if not signed_in:
            messages.success(request, f"{joined} Sign in to continue.")
            return redirect("account_login")
        request.session[ORGANISATION_SESSION_KEY] = invitation.organisation_id
        messages.success(request, joined)
        return redirect("academy:home")
    return render(
        request, "academy/invitation_accept.html", {"invitation": invitation, "signed_in": signed_in}
    )


def _invitation_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    context = {"reason": " ".join(error.messages)}
    return render(request, "academy/invitation_invalid.html", context, status=410)


# --- Notifications ------------------------------------------------------------------------------


@require_GET
def notifications(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.notifications_visible_to(user=request.user))
    return render(request, "academy/notifications.html", {"page": page})


@require_POST
def notification_read(request: AcademyRequest, pk: str) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notifications_mark_read(
        user=request.user,
        notifications=selectors.notifications_visible_to(user=request.user).filter(pk=notification.pk),
    )
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("academy:notifications")


@require_POST
def notifications_read_all(request: AcademyRequest) -> HttpResponse:
    count = services.notifications_mark_read(
        user=request.user,
        notifications=selectors.notifications_visible_to(user=request.user),
    )
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("academy:notifications")


# --- Audit log and frameworks ---------------------------------------------------------------------


@require_GET
@roles_required(Role.ACADEMY_ADMIN)
def audit_log(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.audit_entries_visible_to(scope=request.scope))
    rows = [presenters.audit_row(entry) for entry in page.object_list]
    return render(request, "academy/audit_log.html", {"page": page, "rows": rows})


@require_GET
def frameworks(request: AcademyRequest) -> HttpResponse:
    return render(
        request,
        "academy/frameworks.html",
        {"frameworks": selectors.frameworks_visible_to(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.ACADEMY_ADMIN)
def framework_import(request: AcademyRequest) -> HttpResponse:
    form = FrameworkVersionImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and form.parsed is not None:
        data = form.cleaned_data
        version = {
            "slug": data["slug"],
            "label": data["label"],
            "status": data["status"],
            "in_force_from": data["in_force_from"].isoformat() if data["in_force_from"] else None,
            "source_title": data["source_title"],
            "source_url": data["source_url"],
            "source_checked_on": timezone.localdate().isoformat(),
        }
        try:
            created = services.framework_version_import(
                actor=request.user,
                organisation=request.organisation,
                framework=data["framework"],
                version=version,
                elements=form.parsed.tree,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Imported {created} with {form.parsed.count} elements.")
            return redirect("academy:framework_version", created.framework.slug, created.slug)
    return render(request, "academy/framework_import.html", {"form": form})


@require_GET
def framework_version(request: AcademyRequest, framework_slug: str, version_slug: str) -> HttpResponse:
    version = selectors.framework_version_get_for_user(
        user=request.user,
        framework_slug=framework_slug,
        version_slug=version_slug,
    )
    return render(
        request,
        "academy/framework_version.html",
        {"version": version, "elements": selectors.element_tree(version=version)},
    )


# --- Public pages ---------------------------------------------------------------------------------


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/accessibility.html")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The reason our own code gave (PermissionDenied("...")); Django's bare 403s have none.
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
