"""Reads of moderation panels and the portfolios allocated to them. Every panel page starts
from `panel_get_for_user`, every allocation page from `allocation_get_for_user`; the panel list
from `panels_visible_to`.

Who may do what (decided):

- Run a panel (create it, add and remove members, allocate portfolios, close it): PSWs and
  academy admins over the panel's owning organisation (a council, or the partnership, whose
  staff reach its member councils). Anyone else: 404.
- Sit on it: its members through a current membership — internal moderators, PSWs, and
  external moderators (moderator roles in another organisation) the owner added. While the panel
  is open they read it, the portfolios allocated to it (read-only, `asye.selectors.MODERATOR`),
  and complete each portfolio's checklist and decision. Once it closes: 404.
- The employer's final decision, after the panel agreed: PSWs and academy admins over the
  record's organisation. They read the allocation (not the whole panel, unless they run it).
"""

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from academy.models import Membership, User
from academy.roles import STAFF_ROLES, Role
from academy.scope import Scope
from academy.selectors import current_membership_q, organisation_scope_ids, staff_scope_ids
from asye.models import AsyeRecord, RecordStatus
from asye.selectors import records_in_staff_scope

from .models import FinalDecision, ModerationPanel, PanelAllocation, PanelMember, PanelStatus

CHECKLIST = "checklist"
FINAL = "final"


def _sits_on_q(user: User, prefix: str = "") -> Q:
    """The person sits on the (open) panel at `prefix` through a current membership."""
    return Q(
        **{f"{prefix}status": PanelStatus.OPEN, f"{prefix}members__membership__user": user}
    ) & current_membership_q(f"{prefix}members__membership__")


def panels_visible_to(*, scope: Scope) -> QuerySet[ModerationPanel]:
    """Panels the person runs (staff over the owner) and open panels they sit on, soonest
    first, with their owner and counts of members and portfolios."""
    sits_on = ModerationPanel.objects.filter(_sits_on_q(scope.user)).values("pk")
    visible = Q(pk__in=sits_on)
    staff_ids = staff_scope_ids(scope=scope)
    if staff_ids:
        visible |= Q(organisation_id__in=staff_ids)
    return (
        ModerationPanel.objects.filter(visible)
        .select_related("organisation")
        .annotate(
            member_count=Count("members", distinct=True),
            allocation_count=Count("allocations", distinct=True),
        )
        .order_by("status", "-held_on", "title")
    )


def sits_on(*, user: User, panel: ModerationPanel) -> bool:
    return ModerationPanel.objects.filter(_sits_on_q(user), pk=panel.pk).exists()


def runs(*, scope: Scope, panel: ModerationPanel) -> bool:
    return panel.organisation_id in staff_scope_ids(scope=scope)


def panel_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> ModerationPanel:
    """One panel: 404 unless the person runs it or sits on it while open; 403 on `write` (running
    it) for its members."""
    panel = panels_visible_to(scope=scope).filter(pk=pk).first()
    if panel is None:
        raise Http404("No such moderation panel.")
    if write and not runs(scope=scope, panel=panel):
        raise PermissionDenied("Only the principal social worker or academy staff who own the panel run it.")
    return panel


def members_of(*, panel: ModerationPanel) -> QuerySet[PanelMember]:
    return (
        PanelMember.objects.filter(panel=panel)
        .select_related("membership__user", "membership__organisation")
        .order_by("membership__user__full_name", "id")
    )


def member_get(*, panel: ModerationPanel, pk: int | str) -> PanelMember:
    """A member of a panel the caller already reached through `panel_get_for_user(write=True)`."""
    found = PanelMember.objects.filter(panel=panel, pk=pk).select_related("membership__user").first()
    if found is None:
        raise Http404("No such member of this panel.")
    return found


def _allocation_joins(queryset: QuerySet[PanelAllocation]) -> QuerySet[PanelAllocation]:
    return queryset.select_related(
        "panel__organisation",
        "record__nqsw__user",
        "record__organisation",
        "record__assessor__user",
        "record__line_manager__user",
        "record__programme_version__programme_type",
        "decided_by",
        "record__final_decision",
    ).prefetch_related("record__pauses")


def allocations_of(*, panel: ModerationPanel) -> QuerySet[PanelAllocation]:
    return _allocation_joins(PanelAllocation.objects.filter(panel=panel)).order_by(
        "record__nqsw__user__full_name", "created_at"
    )


def allocation_get_for_user(*, scope: Scope, pk: UUID | str, write: str = "") -> PanelAllocation:
    """One portfolio before a panel: 404 unless the person runs the panel, sits on it while open,
    or is staff over the record's organisation (who makes the final decision). 403 when `write`
    is CHECKLIST and they do not sit on the open panel, FINAL and they are not staff over the
    record's organisation."""
    staff_ids = staff_scope_ids(scope=scope)
    visible = Q(panel__in=ModerationPanel.objects.filter(_sits_on_q(scope.user)).values("pk"))
    if staff_ids:
        visible |= Q(panel__organisation_id__in=staff_ids) | Q(record__organisation_id__in=staff_ids)
    allocation = _allocation_joins(PanelAllocation.objects.filter(visible, pk=pk)).first()
    if allocation is None:
        raise Http404("No such portfolio before a panel.")
    if write == CHECKLIST and not sits_on(user=scope.user, panel=allocation.panel):
        raise PermissionDenied("Only the panel's members complete the checklist and decide.")
    if write == FINAL and allocation.record.organisation_id not in staff_ids:
        raise PermissionDenied("Only the employer's principal social worker or academy staff decide.")
    return allocation


def final_decision_of(*, record: AsyeRecord) -> FinalDecision | None:
    return FinalDecision.objects.filter(record=record).select_related("decided_by").first()


def records_awaiting_panel(*, scope: Scope, panel: ModerationPanel) -> QuerySet[AsyeRecord]:
    """Portfolios submitted to moderation, in the panel owner's reach and the person's, that no
    panel has yet to decide on."""
    waiting = PanelAllocation.objects.filter(decision="").values("record_id")
    return (
        records_in_staff_scope(scope=scope)
        .filter(
            status=RecordStatus.SUBMITTED,
            organisation_id__in=organisation_scope_ids(organisation=panel.organisation),
        )
        .exclude(pk__in=waiting)
    )


def internal_candidates(*, panel: ModerationPanel) -> QuerySet[Membership]:
    """People who may sit on the panel from inside: moderators, PSWs and academy admins of the
    owner, the councils beneath it and the partnership above it, not already on it."""
    ids = organisation_scope_ids(organisation=panel.organisation)
    if panel.organisation.parent_id is not None:
        ids.add(panel.organisation.parent_id)
    return (
        Membership.objects.filter(
            current_membership_q(),
            organisation_id__in=ids,
            role__in=[Role.MODERATOR, *STAFF_ROLES],
        )
        .exclude(panel_seats__panel=panel)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "role")
    )


def external_moderator_by_email(*, email: str) -> Membership | None:
    """A current moderator role, anywhere, of the person with this email (the panel owner types
    it: external moderators come from other organisations)."""
    return (
        Membership.objects.filter(
            current_membership_q(), role=Role.MODERATOR, user__email__iexact=email.strip()
        )
        .select_related("user", "organisation")
        .order_by("created_at")
        .first()
    )


def panels_for_reminders(*, held_from: datetime.date, held_to: datetime.date) -> QuerySet[ModerationPanel]:
    """Open panels held in a date range, with their members (for the reminder producer)."""
    return (
        ModerationPanel.objects.filter(status=PanelStatus.OPEN, held_on__gte=held_from, held_on__lte=held_to)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PanelMember.objects.filter(current_membership_q("membership__")).select_related(
                    "membership"
                ),
            )
        )
        .order_by("held_on")
    )


def moderation_history(*, record: AsyeRecord) -> QuerySet[PanelAllocation]:
    """Every time the record went before a panel, oldest first, with the panel and who decided
    (for the record's pages and the portfolio export's moderation outcome section; the caller
    has already read the record through its access selector)."""
    return (
        PanelAllocation.objects.filter(record=record)
        .select_related("panel__organisation", "decided_by", "checked_by")
        .order_by("created_at", "id")
    )


def moderated_panel_id(*, user: User, record: AsyeRecord) -> UUID | None:
    """The open panel, among those the person sits on, that has the record: where a moderator's
    back link from the record page leads (one query)."""
    return (
        PanelAllocation.objects.filter(_sits_on_q(user, "panel__"), record=record)
        .order_by("-created_at")
        .values_list("panel_id", flat=True)
        .first()
    )
