"""Employment dates on memberships. Staff set when a role started and ends; once the end date
has passed, the role no longer gives access (the selectors check the date at once) and a daily
sweep marks it ended, audited with no actor: the system did it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import audit_log, audit_log_each
from .models import Membership, User
from .services import _require_can_grant


@transaction.atomic
def membership_set_dates(
    *, actor: User, membership: Membership, started_on: date | None, ended_on: date | None
) -> Membership:
    """Record when this role started and when it ends (or ended). An end date in the past
    ends the person's access in this role from today."""
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    _require_can_grant(actor=actor, organisation=membership.organisation, role=membership.role)
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "The end date must be the same as or after the start date."})
    if membership.user_id == actor.pk and ended_on is not None and ended_on < timezone.localdate():
        raise ValidationError({"ended_on": "You cannot end your own access."})
    before = {"started_on": membership.started_on, "ended_on": membership.ended_on}
    after = {"started_on": started_on, "ended_on": ended_on}
    if before == after:
        return membership
    membership.started_on = started_on
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["started_on", "ended_on", "updated_at"])
    changed = [key for key in after if before[key] != after[key]]
    audit_log(
        actor=actor,
        verb="membership.set_dates",
        obj=membership,
        organisation=membership.organisation,
        before={key: _iso(before[key]) for key in changed},
        after={key: _iso(after[key]) for key in changed},
    )
    return membership


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


@transaction.atomic
def memberships_end_past_employment() -> int:
    """The daily sweep: every active membership whose end date has passed is marked ended in
    one UPDATE, each with its audit entry. Rows another run holds are skipped, so two runs at
    once (or one run twice) end each membership once. Returns how many ended."""
    now = timezone.now()
    due = list(
        Membership.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(is_active=True, ended_on__lt=timezone.localdate(now))
        .select_related("organisation", "user")
    )
    if not due:
        return 0
    Membership.objects.filter(pk__in=[m.pk for m in due], is_active=True).update(
        is_active=False, deactivated_at=now, updated_at=now
    )
    audit_log_each(
        actor=None,
        verb="membership.end",
        changes=[
            (m, m.organisation, {"is_active": True}, {"is_active": False, "ended_on": _iso(m.ended_on)})
            for m in due
        ],
    )
    return len(due)
