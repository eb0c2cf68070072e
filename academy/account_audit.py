"""Sign-ins, failed sign-ins and two-factor set-up, in the audit log.

These are events, not changes to data, so allauth's and Django's signals deliver them; the
receivers only call the recording functions below. Each entry belongs to every organisation
where the person holds a current role, so those organisations' academy admins read it and no
one else does. An attempt for an address nobody holds (or by someone with no current role, such
as an operator) is recorded with no organisation: operators read those in the Django admin."""

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from .audit import audit_log
from .models import Organisation, User
from .selectors import active_memberships, user_get_by_email

SIGNIN = "signin.success"
SIGNIN_FAILED = "signin.failed"
SIGNIN_CODE_FAILED = "signin.code_failed"
MFA_ADDED = "mfa.add"
MFA_REMOVED = "mfa.remove"
MFA_RESET = "mfa.reset"


def _organisations_of(user: User) -> list[Organisation | None]:
    organisations = {m.organisation_id: m.organisation for m in active_memberships(user=user)}
    return list(organisations.values()) or [None]


@transaction.atomic
def record_account_event(
    *, verb: str, user: User, actor: User | None, after: dict[str, Any] | None = None
) -> None:
    for organisation in _organisations_of(user):
        audit_log(actor=actor, verb=verb, obj=user, organisation=organisation, after=after)


@transaction.atomic
def record_failed_sign_in(*, email: str) -> None:
    """Nobody is signed in, so no actor; the address typed is kept as typed (trimmed)."""
    attempted = email.strip()[:254]
    user = user_get_by_email(email=attempted) if attempted else None
    if user is None:
        audit_log(
            actor=None,
            verb=SIGNIN_FAILED,
            obj=User,
            organisation=None,
            object_repr=attempted or "(no address)",
            after={"email": attempted},
        )
        return
    record_account_event(verb=SIGNIN_FAILED, user=user, actor=None, after={"email": attempted})


def _on_signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_account_event(verb=SIGNIN, user=user, actor=user)


def _on_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    record_failed_sign_in(email=str(credentials.get("email") or credentials.get("username") or ""))


def _on_code_failed(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    if not kwargs.get("reauthentication"):
        record_account_event(verb=SIGNIN_CODE_FAILED, user=user, actor=None)


def _authenticator_receiver(verb: str):  # type: ignore[no-untyped-def]
    def on_event(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
        record_account_event(verb=verb, user=user, actor=user, after={"type": str(authenticator.type)})

    return on_event


_on_mfa_added = _authenticator_receiver(MFA_ADDED)
_on_mfa_removed = _authenticator_receiver(MFA_REMOVED)
_on_mfa_reset = _authenticator_receiver(MFA_RESET)


def connect() -> None:
    """Called once from AcademyConfig.ready()."""
    from allauth.account.signals import user_logged_in
    from allauth.mfa import signals as mfa_signals

    user_logged_in.connect(_on_signed_in, dispatch_uid="academy.audit.signed_in")
    user_login_failed.connect(_on_failed, dispatch_uid="academy.audit.sign_in_failed")
    mfa_signals.authentication_failed.connect(_on_code_failed, dispatch_uid="academy.audit.code_failed")
    mfa_signals.authenticator_added.connect(_on_mfa_added, dispatch_uid="academy.audit.mfa_added")
    mfa_signals.authenticator_removed.connect(_on_mfa_removed, dispatch_uid="academy.audit.mfa_removed")
    mfa_signals.authenticator_reset.connect(_on_mfa_reset, dispatch_uid="academy.audit.mfa_reset")
