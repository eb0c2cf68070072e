"""django-allauth's own emails, through the outbox like every other email: password reset,
"there is no account with that address", "an account already exists", email confirmation, and
the security notices (password changed, two-factor authentication set up or removed...).

allauth hands every email to `AccountAdapter.send_mail` (academy/adapters.py), which calls
`account_email_enqueue` here instead of sending inside the request. The row keeps only what is
needed to build the email again when it is sent: the template allauth chose, the address, the
person's id and, for a notice, the plain values it prints (when, from which IP address and
browser). Never a secret and never a rendered body:

- the password reset link is minted by the builder, as allauth mints it: the user's id in base
  36, a token from allauth's token generator, and the `account_reset_password_from_key` URL on
  SITE_URL. The token is stateless (tied to the password hash, the last sign-in and the address),
  so a link minted a minute after the request works exactly as one minted in it, and stops
  working once the password changes;
- the email confirmation link is minted the same way: allauth's HMAC key is a signature of the
  address's id.

Flows whose secret is a code kept only in the session (sign-in by code, password reset by code,
email verification by code) cannot be rebuilt at send time, and storing the code would put a
secret in the table. This project leaves them off; `academy.E103` refuses to start if someone
turns one on, and `account_email_enqueue` raises if one is reached anyway. So does a template
this module does not know (a newer allauth may add one): its context might carry a secret.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from academy.models import User

from .models import OutboxMessage
from .registry import DoNotSend, Email, register_email_kind
from .services import outbox_enqueue

ACCOUNT = "account"

# Two requests for the same email to the same address within this many seconds are one email:
# a double-clicked "Send" (or a browser resubmitting) does not send two reset links, while a
# person who asks again a little later — the first went to junk, or never came — gets a new
# one. allauth's own rate limits (`reset_password`: 5 a minute per address) cap the rest.
DOUBLE_SUBMIT_SECONDS = 10

RESET_LINK_EMAIL = "account/email/password_reset_key"
CONFIRMATIONS = frozenset({"account/email/email_confirmation", "account/email/email_confirmation_signup"})
# Links only to public pages (sign up, forgotten password), rebuilt from SITE_URL.
PUBLIC_LINKS = frozenset({"account/email/unknown_account", "account/email/account_already_exists"})
# `send_notification_mail`: "this changed on your account", with when and from where.
NOTICES = frozenset(
    {
        "account/email/password_changed",
        "account/email/password_set",
        "account/email/password_reset",
        "account/email/email_changed",
        "account/email/email_deleted",
        "account/email/email_confirm",
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/recovery_codes_generated",
        "mfa/email/webauthn_added",
        "mfa/email/webauthn_removed",
    }
)
# The secret in these is a code kept only in the session: it cannot be minted again at send
# time, and keeping it in the row would put a secret in the table. Their flows are off here
# (academy.E103 checks); reaching one raises.
REFUSED = {
    "account/email/login_code": "sign-in by code (ACCOUNT_LOGIN_BY_CODE_ENABLED) is off",
    "account/email/password_reset_code": (
        "password reset by code (ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED) is off; the link is used"
    ),
}
# The plain values a notice prints, kept in the row as they are (the time as ISO 8601).
NOTICE_VALUES = frozenset({"ip", "user_agent", "deleted_email", "from_email", "to_email"})


class AccountEmailRefused(ImproperlyConfigured):
    """An allauth email the outbox will not keep, because its context carries (or may carry) a
    secret it cannot mint again at send time. Raised loudly rather than stored."""


@dataclass(frozen=True)
class _Recipe:
    """How one group of allauth templates is kept and built again. `accepts` names every key
    allauth may pass; any other key might be a secret, so it is refused."""

    accepts: frozenset[str]
    needs_user: bool
    rebuild: Callable[[OutboxMessage, User | None], dict[str, Any]]


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _user(message: OutboxMessage) -> User | None:
    user_id = message.context.get("user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def _address_belongs_to(user: User, email: str) -> bool:
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email__iexact=email).exists()
    )


def _older_than(message: OutboxMessage, lifetime: timedelta) -> bool:
    return timezone.now() - message.created_at > lifetime


def _password_reset_link(message: OutboxMessage, user: User | None) -> dict[str, Any]:
    """Mint the reset link now, as allauth's `request_password_reset` does in the request."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    if user is None or not user.is_active:
        raise DoNotSend("The account no longer exists or has been deactivated.")
    if not _address_belongs_to(user, message.to_email):
        raise DoNotSend("The address no longer belongs to the account.")
    if _older_than(message, timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)):
        raise DoNotSend("The reset was asked for longer ago than a reset link lives.")
    uid = user_pk_to_url_str(user)
    token = default_token_generator.make_token(user)
    # allauth's URL takes one opaque key, "<uid>-<token>", in place of "UID-KEY".
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    link = _site_link(path.replace("UID-KEY", quote(f"{uid}-{token}")))
    return {"password_reset_url": link, "uid": uid, "key": token}


def _confirmation_link(message: OutboxMessage, user: User | None) -> dict[str, Any]:
    """Mint the confirmation link now: allauth's HMAC key signs the address's id."""
    address = EmailAddress.objects.filter(pk=message.context.get("email_address_id")).first()
    if address is None or address.email.lower() != message.to_email.lower():
        raise DoNotSend("The address is no longer on the account.")
    if address.verified:
        raise DoNotSend("The address has been confirmed already.")
    if _older_than(message, timedelta(days=allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)):
        raise DoNotSend("The confirmation was asked for longer ago than its link lives.")
    key = EmailConfirmationHMAC(address).key
    return {"key": key, "activate_url": _site_link(reverse("account_confirm_email", args=[key]))}


def _public_links(message: OutboxMessage, user: User | None) -> dict[str, Any]:
    return {
        "signup_url": _site_link(reverse("account_signup")),
        "password_reset_url": _site_link(reverse("account_reset_password")),
    }


def _notice_values(message: OutboxMessage, user: User | None) -> dict[str, Any]:
    values = {key: message.context[key] for key in NOTICE_VALUES if key in message.context}
    if "timestamp" in message.context:
        values["timestamp"] = datetime.fromisoformat(message.context["timestamp"])
    return values


_RECIPES: dict[str, _Recipe] = {
    RESET_LINK_EMAIL: _Recipe(
        # What allauth passes; all but the user are rebuilt by the builder.
        accepts=frozenset({"request", "user", "password_reset_url", "uid", "key", "username"}),
        needs_user=True,
        rebuild=_password_reset_link,
    ),
    **{
        name: _Recipe(
            accepts=frozenset({"user", "key", "activate_url"}), needs_user=True, rebuild=_confirmation_link
        )
        for name in CONFIRMATIONS
    },
    **{
        name: _Recipe(
            accepts=frozenset({"request", "signup_url", "password_reset_url"}),
            needs_user=False,
            rebuild=_public_links,
        )
        for name in PUBLIC_LINKS
    },
    **{
        name: _Recipe(accepts=NOTICE_VALUES | {"user", "timestamp"}, needs_user=False, rebuild=_notice_values)
        for name in NOTICES
    },
}


def _recipe(template_prefix: str) -> _Recipe:
    if template_prefix in REFUSED:
        raise AccountEmailRefused(
            f"The outbox will not keep {template_prefix!r}: {REFUSED[template_prefix]}, and its code "
            "lives only in the session, so it cannot be minted at send time."
        )
    try:
        return _RECIPES[template_prefix]
    except KeyError:
        raise AccountEmailRefused(
            f"allauth asked to send {template_prefix!r}, which academy/outbox/account_emails.py does "
            "not know; its context might carry a secret. Add it there (what to keep, what to mint)."
        ) from None


def dedupe_key(*, template_prefix: str, email: str, user_id: Any, at: datetime, earlier: int = 0) -> str:
    """One key per email, address, person and stretch of DOUBLE_SUBMIT_SECONDS (`earlier`
    counts stretches back). The address is hashed: the key is an index, not a copy of it."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
    stretch = int(at.timestamp()) // DOUBLE_SUBMIT_SECONDS - earlier
    return f"account:{template_prefix}:{user_id or '-'}:{address}:{stretch}"


def account_email_enqueue(*, template_prefix: str, email: str, context: Mapping[str, Any]) -> OutboxMessage:
    """Queue one of allauth's emails in the caller's transaction, keeping ids and plain values
    only. A second request within DOUBLE_SUBMIT_SECONDS returns the first row."""
    recipe = _recipe(template_prefix)
    unexpected = sorted(set(context) - recipe.accepts)
    if unexpected:
        raise AccountEmailRefused(
            f"allauth passed {', '.join(unexpected)} to {template_prefix!r}; the outbox keeps no value "
            "it does not know to be harmless. Teach academy/outbox/account_emails.py about it."
        )
    user = context.get("user")
    if recipe.needs_user and user is None:
        raise AccountEmailRefused(f"{template_prefix!r} needs the account it is about.")
    kept: dict[str, Any] = {"template": template_prefix}
    if user is not None:
        kept["user_id"] = str(user.pk)
    if recipe.rebuild is _notice_values:
        kept.update({key: str(context[key]) for key in NOTICE_VALUES if key in context})
        if isinstance(context.get("timestamp"), datetime):
            kept["timestamp"] = context["timestamp"].isoformat()
    if recipe.rebuild is _confirmation_link:
        address = EmailAddress.objects.get_for_user(user, email)
        kept["email_address_id"] = address.pk

    now = timezone.now()
    keys = {
        earlier: dedupe_key(
            template_prefix=template_prefix, email=email, user_id=kept.get("user_id"), at=now, earlier=earlier
        )
        for earlier in (0, 1)
    }
    # A double submit that straddles two stretches finds the row of the one before.
    just_before = OutboxMessage.objects.filter(
        dedupe_key=keys[1], created_at__gte=now - timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    ).first()
    if just_before is not None:
        return just_before
    return outbox_enqueue(
        kind=ACCOUNT,
        to_email=email,
        dedupe_key=keys[0],
        recipient=user,
        about=user,
        context=kept,
    )


def build_account_email(message: OutboxMessage) -> Email:
    """Render the allauth email from its own templates, with the links minted now."""
    template_prefix = message.context.get("template", "")
    recipe = _recipe(template_prefix)
    user = _user(message)
    if recipe.needs_user and user is None:
        raise DoNotSend("The account no longer exists.")
    domain = urlsplit(settings.SITE_URL).hostname or ""
    context: dict[str, Any] = {
        "email": message.to_email,
        "user": user,
        # What allauth's templates print as the site (there is no sites framework here).
        "current_site": SimpleNamespace(name=settings.ACADEMY_NAME, domain=domain),
    }
    context.update(recipe.rebuild(message, user))
    rendered = get_adapter().render_mail(template_prefix, message.to_email, context)
    html = ""
    if isinstance(rendered, EmailMultiAlternatives):
        html = next((str(body) for body, mimetype in rendered.alternatives if mimetype == "text/html"), "")
    return Email(subject=" ".join(str(rendered.subject).split()), text=str(rendered.body), html=html)


def register_account_kind() -> None:
    register_email_kind(name=ACCOUNT, build=build_account_email)


def account_email_unsafe_settings() -> list[str]:
    """The allauth settings that would make an email carry a secret the outbox cannot mint
    again at send time; empty when none is on. Used by the system check academy.E103."""
    problems = []
    if allauth_settings.LOGIN_BY_CODE_ENABLED:
        problems.append("ACCOUNT_LOGIN_BY_CODE_ENABLED")
    if allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED:
        problems.append("ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED")
    if allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED:
        problems.append("ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED")
    if not allauth_settings.EMAIL_CONFIRMATION_HMAC:
        problems.append("ACCOUNT_EMAIL_CONFIRMATION_HMAC = False")
    return problems
