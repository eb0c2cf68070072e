"""What the reminder pages read.

Who operates reminders (decided, as for the outbox): superusers see every reminder; academy
admins see the reminders of people who hold (or held) a membership in an organisation in their
scope — a partnership's admin sees its member councils' people, a council's admin its own
people — so they can see why someone was not reminded and try a failed one again. Everyone else
gets 403; a reminder outside the operator's scope is 404."""

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from academy.models import Membership, User
from academy.registry.reminders import ReminderKind, registered_reminder_kinds
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import organisation_scope_ids

from .models import Reminder, ReminderDigest, ReminderPreference

State = Reminder.State

# Columns the operator's list shows.
_SHOWN = (
    "id",
    "kind",
    "title",
    "url",
    "state",
    "due_at",
    "sent_at",
    "email",
    "attempts",
    "last_error",
    "cancel_reason",
    "recipient__full_name",
    "recipient__email",
)


def reminders_is_operator(*, scope: Scope) -> bool:
    return scope.user.is_superuser or (scope.organisation is not None and scope.holds(Role.ACADEMY_ADMIN))


def reminders_visible_to(
    *,
    scope: Scope,
    state: str = "",
    kind: str = "",
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
) -> QuerySet[Reminder]:
    """The reminders this operator may see, latest due first, narrowed by the page's filters.
    Raises PermissionDenied for someone who does not operate reminders."""
    if not reminders_is_operator(scope=scope):
        raise PermissionDenied("Only academy admins can see reminders.")
    reminders = Reminder.objects.all()
    if not scope.user.is_superuser and scope.organisation is not None:
        in_scope = organisation_scope_ids(organisation=scope.organisation)
        reminders = reminders.filter(
            Exists(Membership.objects.filter(user_id=OuterRef("recipient_id"), organisation_id__in=in_scope))
        )
    if state in State.values:
        reminders = reminders.filter(state=state)
    if kind:
        reminders = reminders.filter(kind=kind)
    if due_from is not None:
        reminders = reminders.filter(due_at__date__gte=due_from)
    if due_to is not None:
        reminders = reminders.filter(due_at__date__lte=due_to)
    return reminders.select_related("recipient").only(*_SHOWN).order_by("-due_at", "-id")


def reminder_state_counts(*, scope: Scope) -> dict[str, int]:
    """How many reminders in each state, in one query."""
    counts = (
        reminders_visible_to(scope=scope)
        .order_by()
        .aggregate(**{state: Count("id", filter=Q(state=state)) for state in State.values})
    )
    return {state: counts[state] or 0 for state in State.values}


def reminder_get_for_user(*, scope: Scope, pk: UUID | str) -> Reminder:
    """One reminder for the retry button: 404 outside the operator's scope."""
    reminder = reminders_visible_to(scope=scope).filter(pk=pk).first()
    if reminder is None:
        raise Http404("No such reminder.")
    return reminder


def reminder_kinds() -> list[ReminderKind]:
    return registered_reminder_kinds()


def reminder_preferences_for(*, user: User) -> tuple[set[str], ReminderDigest]:
    """The kinds this person hears of in the portal only, and their digest setting (unsaved
    defaults when they never chose)."""
    portal_only = set(
        ReminderPreference.objects.filter(user=user, by_email=False).values_list("kind", flat=True)
    )
    digest = ReminderDigest.objects.filter(user=user).first() or ReminderDigest(user=user)
    return portal_only, digest
