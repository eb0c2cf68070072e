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
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import employment, presenters, selectors, services
from .adapters import INVITATION_SESSION_KEY
from .drafts.web import draft_discard, draft_initial
from .forms import (
    FrameworkVersionImportForm,
    InvitationForm,
    MembershipDatesForm,
    RoleChangeForm,
    TeamForm,
)
from .middleware import ORGANISATION_SESSION_KEY
from .models import Invitation
from .reference_data import can_publish_reference_data, require_reference_data_publisher
from .registry.home_panels import panels_for
from .roles import STAFF_ROLES, Role, grantable_roles
from .web import AcademyRequest, add_form_errors, paginate, posted, roles_required

# --- Home -------------------------------------------------------------------------------------


@require_GET
def home(request: AcademyRequest) -> HttpResponse:
    """The registered home-page panels (`academy.registry.home_panels`) that apply to this person."""
    if request.personal_only:
        # Every employment has ended (docs/adr/0012): the panels about their own records.
        return render(request, "academy/home_personal.html", {"panels": panels_for(request)})
    if request.organisation is None:
        # Only a superuser without memberships reaches here; everyone else is refused sign-in.
        return render(request, "academy/home_no_organisation.html")
    return render(request, "academy/home.html", {"panels": panels_for(request)})


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
    context = {
        "page": page,
        "query": query,
        "head": presenters.PEOPLE_HEAD,
        "rows": [presenters.membership_table_row(m) for m in page.object_list],
        "caption": f"People and roles matching “{query}”" if query else "People and roles",
    }
    return render(request, "academy/people.html", context)


# The invitation form saves itself as it is typed: one draft per person (academy/drafts/).
INVITE_DRAFT = "academy:invite"


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def invite(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    organisations = selectors.organisations_manageable_by(scope=scope)
    roles = grantable_roles(set(request.roles))
    form = InvitationForm(
        posted(request),
        initial=draft_initial(request, INVITE_DRAFT),
        organisations=organisations,
        roles=roles,
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=INVITE_DRAFT)
            messages.success(request, f"Invitation sent to {issued.invitation.email}.")
            return redirect("academy:invitations")
    return render(
        request,
        "academy/invite.html",
        {"form": form, "expiry_days": settings.INVITATION_EXPIRY_DAYS, "invite_draft": INVITE_DRAFT},
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
    context = {
        "page": page,
        "form": form,
        "head": presenters.TEAMS_HEAD,
        "rows": [presenters.team_table_row(team) for team in page.object_list],
        "caption": presenters.in_scope_caption("Teams", request.organisation),
    }
    return render(request, "academy/teams.html", context)


@require_GET
@roles_required(*STAFF_ROLES)
def invitations(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.invitations_visible_to(scope=request.scope))
    rows = [presenters.invitation_table_row(presenters.invitation_row(i)) for i in page.object_list]
    crumbs = [("People", reverse("academy:people")), ("Invitations", "")]
    context = {"page": page, "head": presenters.INVITATIONS_HEAD, "rows": rows, "crumbs": crumbs}
    return render(request, "academy/invitations.html", context)


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


@require_POST
@roles_required(*STAFF_ROLES)
def membership_dates(request: AcademyRequest, pk: str) -> HttpResponse:
    membership = selectors.membership_get_for_user(scope=request.scope, pk=pk, write=True)
    dates_form = MembershipDatesForm(request.POST)
    if dates_form.is_valid():
        try:
            employment.membership_set_dates(
                actor=request.user, membership=membership, **dates_form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(dates_form, error)
        else:
            messages.success(request, f"{membership.user.display_name}'s dates were saved.")
            return redirect("academy:membership", pk=membership.pk)
    form = RoleChangeForm(roles=_roles_for(request, membership), current=membership.role)
    return _membership_page(request, membership, form, dates_form=dates_form)


def _roles_for(request: AcademyRequest, membership: Any) -> list[Role]:
    return grantable_roles(selectors.roles_held_over(user=request.user, organisation=membership.organisation))


def _membership_page(
    request: AcademyRequest,
    membership: Any,
    form: RoleChangeForm,
    *,
    dates_form: MembershipDatesForm | None = None,
) -> HttpResponse:
    form.helper.form_action = reverse("academy:membership_role", args=[membership.pk])
    if dates_form is None:
        dates_form = MembershipDatesForm(
            initial={"started_on": membership.started_on, "ended_on": membership.ended_on}
        )
    dates_form.helper.form_action = reverse("academy:membership_dates", args=[membership.pk])
    context = {
        "membership": membership,
        "summary": presenters.membership_summary(membership),
        "form": form,
        "dates_form": dates_form,
        "page_errors": form.errors or dates_form.errors,
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
@require_GET
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. The token leaves the address bar at once: it moves
    into the session and the browser goes on to a token-free page (as Django's password reset
    does), so access logs, browser history and Referer headers do not keep it."""
    if services.invitation_find_by_token(token=token) is None:
        return render(request, "academy/invitation_invalid.html", {"status": None}, status=404)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("academy:invitation_continue")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_continue(request: HttpRequest) -> HttpResponse:
    """The invitation the session holds. Someone new sets a password (allauth's sign-up, opened
    by the invitation); someone who already has an account accepts with one button. The token
    in the email proves they own the address, as a password-reset link would."""
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = services.invitation_find_by_token(token=token) if token else None
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        # Every refusal drops the token: the session keeps it only while it can still be used.
        request.session.pop(INVITATION_SESSION_KEY, None)
        status = invitation.status if invitation else None
        return render(
            request, "academy/invitation_invalid.html", {"status": status}, status=410 if invitation else 404
        )
    current = request.user if request.user.is_authenticated else None
    signed_in = current is not None
    if current is not None and not selectors.user_holds_email(user=current, email=invitation.email):
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(
            request, "academy/invitation_wrong_account.html", {"invitation": invitation}, status=403
        )
    account = current or selectors.user_get_by_email(email=invitation.email)
    try:
        services.invitation_check_usable(invitation=invitation, user=account)
    except ValidationError as error:
        return _invitation_refused(request, error)
    if account is None:
        # Unverified claims on the address are released when the sign-up form is posted
        # (academy/adapters.py), never here: a GET changes nothing.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return redirect("account_signup")
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=account)
        except ValidationError as error:  # lost a race with another accept
            return _invitation_refused(request, error)
        request.session.pop(INVITATION_SESSION_KEY, None)
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
    request.session.pop(INVITATION_SESSION_KEY, None)
    context = {"reason": " ".join(error.messages)}
    return render(request, "academy/invitation_invalid.html", context, status=410)


# --- Notifications ------------------------------------------------------------------------------


@require_GET
def notifications(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.notifications_visible_to(user=request.user))
    items = [(n, presenters.notification_tag(n)) for n in page.object_list]
    return render(request, "academy/notifications.html", {"page": page, "items": items})


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
    rows = [presenters.audit_table_row(presenters.audit_row(entry)) for entry in page.object_list]
    return render(
        request, "academy/audit_log.html", {"page": page, "head": presenters.AUDIT_HEAD, "rows": rows}
    )


@require_GET
def frameworks(request: AcademyRequest) -> HttpResponse:
    context = {
        "frameworks": selectors.frameworks_visible_to(user=request.user),
        "can_publish": can_publish_reference_data(request.user),
    }
    return render(request, "academy/frameworks.html", context)


@require_http_methods(["GET", "POST"])
def framework_import(request: AcademyRequest) -> HttpResponse:
    require_reference_data_publisher(request.user)
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
                framework=data["framework"],
                version=version,
                elements=form.parsed.tree,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Imported {created} with {form.parsed.count} elements.")
            return redirect("academy:framework_version", created.framework.slug, created.slug)
    context = {
        "form": form,
        "example_head": presenters.FRAMEWORK_CSV_EXAMPLE_HEAD,
        "example_rows": presenters.FRAMEWORK_CSV_EXAMPLE_ROWS,
    }
    return render(request, "academy/framework_import.html", context)


@require_GET
def framework_version(request: AcademyRequest, framework_slug: str, version_slug: str) -> HttpResponse:
    version = selectors.framework_version_get_for_user(
        user=request.user,
        framework_slug=framework_slug,
        version_slug=version_slug,
    )
    can_import = can_publish_reference_data(request.user)
    context = {
        "version": version,
        "tag": presenters.framework_version_tag(version),
        "summary": presenters.framework_version_summary(version, show_notes=can_import),
        "elements": selectors.element_tree(version=version),
        "can_import": can_import,
    }
    return render(request, "academy/framework_version.html", context)


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
