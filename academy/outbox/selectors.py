"""What the outbox's operator page reads.

Who operates the outbox (decided): superusers, who run the deployment, see every row — including
emails about no organisation — because a mail server that refuses everything is a deployment's
problem, not one council's. Academy admins see the rows of the organisations in their scope (a
partnership's admin sees its member councils'), so they can tell whether an invitation or a
reminder reached its person and send a failed one again. Everyone else gets 403; a row outside
the person's scope is 404. The page shows who an email went to, its subject line and the last
error, never the email's body: an invitation's link exists only in the email itself."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from academy.roles import Role
from academy.scope import Scope
from academy.selectors import organisation_scope_ids

from .models import OutboxMessage

Status = OutboxMessage.Status

# Columns the list and detail pages show; the rest (context, claim token) stays in the table.
_SHOWN = (
    "id",
    "kind",
    "to_email",
    "organisation__name",
    "status",
    "due_at",
    "claimed_until",
    "attempts",
    "last_error",
    "email_subject",
    "sent_at",
    "cancel_reason",
    "created_at",
)


def outbox_is_operator(*, scope: Scope) -> bool:
    return scope.user.is_superuser or (scope.organisation is not None and scope.holds(Role.ACADEMY_ADMIN))


def outbox_messages_visible_to(
    *, scope: Scope, status: str = "", kind: str = "", to: str = ""
) -> QuerySet[OutboxMessage]:
    """The rows this operator may see, newest first, narrowed by the page's filters. Raises
    PermissionDenied for someone who does not operate the outbox."""
    if not outbox_is_operator(scope=scope):
        raise PermissionDenied("Only academy admins can see the email outbox.")
    messages = OutboxMessage.objects.all()
    if not scope.user.is_superuser and scope.organisation is not None:
        in_scope = organisation_scope_ids(organisation=scope.organisation)
        messages = messages.filter(organisation_id__in=in_scope)
    if status in Status.values:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    if to:
        messages = messages.filter(to_email__icontains=to)
    return messages.select_related("organisation").only(*_SHOWN).order_by("-created_at", "-id")


def outbox_status_counts(*, scope: Scope) -> dict[str, int]:
    """How many rows in each status, in one query: the figures above the list."""
    counts = (
        outbox_messages_visible_to(scope=scope)
        .order_by()
        .aggregate(**{status: Count("id", filter=Q(status=status)) for status in Status.values})
    )
    return {status: counts[status] or 0 for status in Status.values}


def outbox_message_get_for_user(*, scope: Scope, pk: UUID | str) -> OutboxMessage:
    """One row for its detail page and the retry button: 404 outside the operator's scope.
    Every row an operator can see, they may also retry."""
    message = outbox_messages_visible_to(scope=scope).filter(pk=pk).first()
    if message is None:
        raise Http404("No such email.")
    return message
