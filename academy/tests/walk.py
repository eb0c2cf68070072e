"""The core's rows in the URL walk (see `academy.testing.walk`): its personas, the objects its
URLs need, a rule for every URL pattern under the project's root (the portal's own pages, the
allauth pages and the Django admin) and the few exemptions, each with its reason."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from academy.models import FormDraft, OutboxMessage, Reminder
from academy.roles import MFA_ROLES, STAFF_ROLES, Role
from academy.testing.walk import ANONYMOUS, Persona, Rule, WalkRegistry, World
from academy.tests import files_support
from academy.tests.factories import InvitationFactory, MembershipFactory, NotificationFactory, UserFactory

PERSONAS = (
    Persona("nqsw", Role.NQSW, "home"),
    Persona("social_worker", Role.SOCIAL_WORKER, "home"),
    Persona("manager", Role.LINE_MANAGER, "home"),
    Persona("assessor", Role.ASSESSOR, "home"),
    Persona("psw", Role.PSW, "home"),
    Persona("academy_admin", Role.ACADEMY_ADMIN, "partnership"),
    Persona("moderator", Role.MODERATOR, "partnership"),
    Persona("practice_educator", Role.PRACTICE_EDUCATOR, "home"),
    Persona("student", Role.STUDENT, "university"),
    Persona("tutor", Role.TUTOR, "university"),
    # The partnership's second council: same academy, but a council's roles stay in the council.
    Persona("sibling_nqsw", Role.NQSW, "sibling"),
    Persona("sibling_psw", Role.PSW, "sibling"),
    Persona("sibling_assessor", Role.ASSESSOR, "sibling"),
    # A PSW of a council outside the partnership.
    Persona("outsider", Role.PSW, "other"),
    # A PSW of the home council whose employment has ended: signs in to their own CPD only, with
    # no role anywhere and no authenticator (docs/adr/0012-signing-in-after-employment-ends.md).
    Persona("former_employee", Role.PSW, "home", ended=True),
)

# Organisations whose roles reach the home council, where the walk's objects live.
REACHES_HOME = frozenset({"home", "partnership"})


def staff_only(ok: int, *, elsewhere: int) -> Callable[[Persona], int]:
    """Staff whose roles reach the home council get `ok`; staff of another council (the sibling,
    or outside the partnership) get `elsewhere`; everyone else 403."""

    def expect(persona: Persona) -> int:
        if persona.role not in STAFF_ROLES:
            return 403
        return ok if persona.organisation in REACHES_HOME else elsewhere

    return expect


def holding(role: str, ok: int, *, otherwise: int = 403) -> Callable[[Persona], int]:
    return lambda persona: ok if persona.role == role else otherwise


def named(name: str, *args: Any) -> Callable[[World, str], str]:
    return lambda world, persona: reverse(name, args=args)


def of(name: str, obj: str) -> Callable[[World, str], str]:
    """The URL `name` for the walk object `obj`."""
    return lambda world, persona: reverse(name, args=[world[obj].pk])


def _own_notification(world: World, persona: str) -> str:
    """Each persona opens their own notification; those outside the home council try the home
    NQSW's instead, which must not be found."""
    owner = persona
    if persona == ANONYMOUS or world.persona_spec(persona).as_seen.organisation not in REACHES_HOME | {
        "university"
    }:
        owner = "nqsw"
    notification = NotificationFactory(recipient=world.persona(owner))
    return reverse("academy:notification_read", args=[notification.pk])


def _notification_expect(persona: Persona) -> int:
    return 302 if persona.organisation in REACHES_HOME | {"university"} else 404


WALK_DRAFT = "walk:drafts"


def _own_draft(world: World, persona: str) -> str:
    """Each signed-in persona discards a draft of their own."""
    if persona != ANONYMOUS:
        FormDraft.objects.create(
            user=world.persona(persona), key=WALK_DRAFT, data={"note": "Typed on the walk"}, version=1
        )
    return reverse("academy:draft_discard")


def uploader_only(persona: Persona) -> int:
    return 200 if persona.name == "nqsw" else 404


def _failed_reminder(world: World) -> Reminder:
    """A reminder to a person in the home council whose delivery failed: what an operator retries."""
    person = MembershipFactory(user=UserFactory(), organisation=world.orgs.home, role=Role.NQSW).user
    return Reminder.objects.create(
        key=f"walk:{person.pk}",
        producer="walk",
        kind="walk.reminder",
        recipient=person,
        url="/",
        title="A reminder the walk retries",
        due_at=timezone.now(),
        state=Reminder.State.FAILED,
        attempts=5,
    )


def _failed_email(world: World) -> OutboxMessage:
    """An email to someone in the home council that failed for good: what an operator retries."""
    return OutboxMessage.objects.create(
        kind="notification",
        to_email="someone@example.test",
        organisation=world.orgs.home,
        dedupe_key="url-walk",
        status=OutboxMessage.Status.FAILED,
        due_at=timezone.now(),
        attempts=10,
    )


PORTAL_RULES: dict[str, Rule] = {
    "academy:home": Rule(named("academy:home")),
    "academy:organisation_switch": Rule(
        named("academy:organisation_switch"), method="POST", data={"organisation": "0"}, default=403
    ),
    "academy:people": Rule(named("academy:people"), expect=staff_only(200, elsewhere=200)),
    "academy:invite": Rule(named("academy:invite"), expect=staff_only(200, elsewhere=200)),
    "academy:invitations": Rule(named("academy:invitations"), expect=staff_only(200, elsewhere=200)),
    "academy:teams": Rule(named("academy:teams"), expect=staff_only(200, elsewhere=200)),
    "academy:invitation_resend": Rule(
        of("academy:invitation_resend", "invitation"), method="POST", expect=staff_only(302, elsewhere=404)
    ),
    "academy:invitation_revoke": Rule(
        of("academy:invitation_revoke", "invitation"), method="POST", expect=staff_only(302, elsewhere=404)
    ),
    "academy:membership": Rule(of("academy:membership", "membership"), expect=staff_only(200, elsewhere=404)),
    "academy:membership_role": Rule(
        of("academy:membership_role", "membership"),
        method="POST",
        data={"role": Role.SOCIAL_WORKER},
        expect=staff_only(302, elsewhere=404),
    ),
    "academy:membership_deactivate": Rule(
        of("academy:membership_deactivate", "membership"),
        method="POST",
        expect=staff_only(302, elsewhere=404),
        confirm_page=staff_only(200, elsewhere=404),
    ),
    "academy:membership_reactivate": Rule(
        of("academy:membership_reactivate", "membership"),
        method="POST",
        expect=staff_only(302, elsewhere=404),
    ),
    "academy:membership_dates": Rule(
        of("academy:membership_dates", "membership"),
        method="POST",
        data={"started_on_0": "1", "started_on_1": "9", "started_on_2": "2025"},
        expect=staff_only(302, elsewhere=404),
    ),
    # The invitation link is public and GET only: a known token moves into the session and the
    # browser goes on to the token-free page; an unknown token is not found, signed in or not.
    "academy:invitation_accept": Rule(
        named("academy:invitation_accept", "not-a-real-token"), default=404, anonymous=404
    ),
    # The token-free page reads the invitation from the session; with none there, it says the
    # link is not valid (the invitation tests walk it with a real token).
    "academy:invitation_continue": Rule(named("academy:invitation_continue"), default=404, anonymous=404),
    "academy:notifications": Rule(named("academy:notifications")),
    "academy:notifications_read_all": Rule(
        named("academy:notifications_read_all"), method="POST", default=302
    ),
    "academy:notification_read": Rule(_own_notification, method="POST", expect=_notification_expect),
    "academy:audit_log": Rule(named("academy:audit_log"), expect=holding(Role.ACADEMY_ADMIN, 200)),
    # The email outbox: academy admins (the rows of their organisations: the partnership's admin
    # sees its member councils', so the home council's failed email) and superusers (every row).
    # Rows outside an admin's scope are 404 (academy/tests/test_isolation.py).
    "academy:outbox": Rule(named("academy:outbox"), expect=holding(Role.ACADEMY_ADMIN, 200)),
    "academy:outbox_message": Rule(
        of("academy:outbox_message", "outbox_message"), expect=holding(Role.ACADEMY_ADMIN, 200)
    ),
    "academy:outbox_retry": Rule(
        of("academy:outbox_retry", "outbox_message"), method="POST", expect=holding(Role.ACADEMY_ADMIN, 302)
    ),
    # Organisation settings: the partnership's academy admin looks after it and its member
    # councils (the sibling's too); every other role is refused.
    # Reminders (academy/reminders/): academy admins see the reminders of their organisations'
    # people and retry failed ones; everyone chooses their own preferences. Reminders outside an
    # admin's scope are 404 (academy/tests/test_reminder_pages.py).
    "academy:reminders": Rule(named("academy:reminders"), expect=holding(Role.ACADEMY_ADMIN, 200)),
    "academy:reminder_retry": Rule(
        of("academy:reminder_retry", "failed_reminder"),
        method="POST",
        expect=holding(Role.ACADEMY_ADMIN, 302),
    ),
    "academy:reminder_preferences": Rule(named("academy:reminder_preferences")),
    "academy:organisations": Rule(named("academy:organisations"), expect=holding(Role.ACADEMY_ADMIN, 200)),
    "academy:organisation_settings": Rule(
        lambda world, persona: reverse("academy:organisation_settings", args=[world.orgs.home.slug]),
        expect=holding(Role.ACADEMY_ADMIN, 200),
    ),
    "academy:frameworks": Rule(named("academy:frameworks")),
    # Framework versions are shared by every organisation: only a reference data publisher (a
    # deployment-wide permission, not a role) may import one. No persona is one, not even the
    # academy admin (academy/tests/test_framework_import.py covers the publisher).
    "academy:framework_import": Rule(named("academy:framework_import"), default=403),
    "academy:framework_version": Rule(named("academy:framework_version", "pcf", "2018")),
    # A private file of an owner kind only its uploader may read (the home NQSW's): everyone
    # else, the sibling council's NQSW included, is told it does not exist.
    "academy:files:download": Rule(of("academy:files:download", "private_file"), expect=uploader_only),
    "academy:accessibility": Rule(named("academy:accessibility"), anonymous=200),
    # Autosave (academy/drafts/): anyone signed in saves and discards their own drafts. Signed
    # out, a save answers 401 JSON, so the page keeps the words and tries again after sign-in.
    # Another person's draft is never found (academy/tests/test_drafts.py).
    "academy:draft_save": Rule(
        named("academy:draft_save"),
        method="POST",
        data={"key": WALK_DRAFT, "version": "0", "data": '{"note": "Typed on the walk"}'},
        anonymous=401,
    ),
    "academy:draft_discard": Rule(
        _own_draft, method="POST", data={"key": WALK_DRAFT, "next": "/"}, default=302
    ),
    # The idle time-out warning's two requests: any signed-in person, about their own session.
    "academy:session_extend": Rule(named("academy:session_extend"), method="POST", default=302),
    "academy:session_status": Rule(named("academy:session_status")),
    # Public. Liveness answers before the database is asked; no worker runs here, so readiness
    # answers 503 (academy/tests/test_health.py: the public get only a status word).
    "academy:health": Rule(named("academy:health"), default=503, anonymous=503),
    "academy:health_ready": Rule(named("academy:health_ready"), default=503, anonymous=503),
    "academy:health_live": Rule(named("academy:health_live"), anonymous=200),
}


def register(walk: WalkRegistry) -> None:
    walk.add_personas(*PERSONAS)
    # An NQSW in the home council, and an invitation to it: the objects of the people pages.
    walk.add_object(
        "membership",
        lambda world: MembershipFactory(user=UserFactory(), organisation=world.orgs.home, role=Role.NQSW),
    )
    walk.add_object(
        "invitation", lambda world: InvitationFactory(organisation=world.orgs.home, role=Role.NQSW)
    )
    walk.add_object("outbox_message", _failed_email)
    walk.add_object("failed_reminder", _failed_reminder)
    walk.add_object(
        "private_file",
        lambda world: files_support.store(actor=world.persona("nqsw"), organisation=world.orgs.home),
    )
    walk.add_rules(PORTAL_RULES)
    walk.add_rules(ACCOUNT_RULES)
    walk.add_rules(admin_rules())


# --- allauth: the account and two-factor pages ----------------------------------------------------
# Per-person pages without object ids: what matters is that anonymous visitors are sent to sign in
# and that each page answers the way the sign-in, reset and MFA tests (test_accounts.py) rely on.


def has_authenticator(yes: int, no: int) -> Callable[[Persona], int]:
    """Personas in roles that need MFA have an authenticator seeded; the others have none."""
    return lambda persona: yes if persona.role in MFA_ROLES else no


ACCOUNT_RULES: dict[str, Rule] = {
    # Signed-in people are sent on to the home page.
    "account_login": Rule(named("account_login"), default=302, anonymous=200),
    "account_signup": Rule(named("account_signup"), default=302, anonymous=200),
    "account_confirm_login_code": Rule(named("account_confirm_login_code"), default=302),
    # GET asks "are you sure?"; signed-out visitors go home.
    "account_logout": Rule(named("account_logout"), anonymous_to=("academy:home",)),
    # Public pages of the sign-up and reset flows (unknown keys show "this link is invalid").
    "account_inactive": Rule(named("account_inactive"), anonymous=200),
    "account_email_verification_sent": Rule(named("account_email_verification_sent"), anonymous=200),
    "account_reset_password": Rule(named("account_reset_password"), anonymous=200),
    "account_reset_password_done": Rule(named("account_reset_password_done"), anonymous=200),
    "account_reset_password_from_key": Rule(
        named("account_reset_password_from_key", "1", "not-a-key"), anonymous=200
    ),
    "account_reset_password_from_key_done": Rule(
        named("account_reset_password_from_key_done"), anonymous=200
    ),
    "account_confirm_email": Rule(named("account_confirm_email", "not-a-key"), anonymous=200),
    # The person's own account pages.
    "account_reauthenticate": Rule(named("account_reauthenticate")),
    "account_email": Rule(named("account_email")),
    "account_change_password": Rule(named("account_change_password")),
    "account_set_password": Rule(named("account_set_password"), default=302),  # they have one: change it
    "mfa_index": Rule(named("mfa_index")),
    # No sign-in under way: back home.
    "mfa_authenticate": Rule(named("mfa_authenticate"), default=302),
    "mfa_reauthenticate": Rule(named("mfa_reauthenticate"), expect=has_authenticator(200, 302)),
    # Changing the authenticator asks for the password again first.
    "mfa_activate_totp": Rule(named("mfa_activate_totp"), default=302),
    "mfa_deactivate_totp": Rule(named("mfa_deactivate_totp"), expect=has_authenticator(302, 404)),
    "mfa_generate_recovery_codes": Rule(named("mfa_generate_recovery_codes"), default=302),
    # No recovery codes were generated for the personas.
    "mfa_view_recovery_codes": Rule(named("mfa_view_recovery_codes"), default=404),
    "mfa_download_recovery_codes": Rule(named("mfa_download_recovery_codes"), default=404),
}


# --- The Django admin -----------------------------------------------------------------------------
# Open to superusers only (academy/root_urls.py); no persona is one. Every admin URL refuses every
# persona by sending them to the admin's sign-in, which itself answers 403 to someone signed in
# without the right. One rule per URL pattern, made from the admin site's registry, so a model
# admin's extra URLs (get_urls) show up as uncovered until someone writes their rule.

ADMIN_SIGN_IN = ("account_login", "admin:login")
ANY_ID = "0"  # refused before the object is looked up


def _admin(path: Callable[[World, str], str], *, default: int = 302) -> Rule:
    return Rule(path, default=default, anonymous_to=ADMIN_SIGN_IN)


def _literal(below_admin: str) -> Callable[[World, str], str]:
    """A path under the admin for a pattern that has no name to reverse."""
    return lambda world, persona: reverse("admin:index") + below_admin


def admin_rules() -> dict[str, Rule]:
    rules = {
        "admin:index": _admin(named("admin:index")),
        "admin:login": _admin(named("admin:login"), default=403),
        "admin:logout": _admin(named("admin:logout")),
        "admin:password_change": _admin(named("admin:password_change")),
        "admin:password_change_done": _admin(named("admin:password_change_done")),
        "admin:autocomplete": _admin(named("admin:autocomplete")),
        "admin:jsi18n": _admin(named("admin:jsi18n")),
        "admin:view_on_site": _admin(named("admin:view_on_site", "1", ANY_ID)),
        "admin:app_list": _admin(lambda w, p: reverse("admin:app_list", kwargs={"app_label": "academy"})),
        "admin/(?P<url>.*)$": _admin(_literal("no-such-page/")),
    }
    for model in admin.site._registry:
        app_label, model_name = model._meta.app_label, model._meta.model_name
        prefix = f"admin:{app_label}_{model_name}"
        rules[f"{prefix}_changelist"] = _admin(named(f"{prefix}_changelist"))
        rules[f"{prefix}_add"] = _admin(named(f"{prefix}_add"))
        for action in ("history", "delete", "change"):
            rules[f"{prefix}_{action}"] = _admin(named(f"{prefix}_{action}", ANY_ID))
        # The old-style object URL, a redirect to the change page.
        rules[f"admin/{app_label}/{model_name}/<path:object_id>/"] = _admin(
            _literal(f"{app_label}/{model_name}/{ANY_ID}/")
        )
    return rules
