"""Reads of cohorts. Every list is built from `cohorts_visible_to`, every cohort page from
`cohort_get_for_user`.

Who sees a cohort: the PSWs and academy admins acting from its organisation or from the
partnership above it (`academy.selectors.staff_scope_ids`), as for the staff list of records.
Nobody else, not the sibling council's PSW (404). Every staff member who sees a cohort may also
change it, so there is no read-only case (an assessor never reaches these pages: 403 by role)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from academy.models import Invitation, Membership, Organisation, Team, User
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import current_membership_q, staff_scope_ids

from ..evidence.models import WAITING, EvidenceItem
from ..models import OPEN_STATUSES, AsyeRecord, ProgrammeType
from ..selectors import records_in_staff_scope
from .models import Cohort, CohortEntry, CohortImport

_OPEN = [s.value for s in OPEN_STATUSES]


def cohorts_visible_to(*, scope: Scope) -> QuerySet[Cohort]:
    """The cohorts of the organisations a PSW or academy admin manages, each with its number of
    people (imported or with a record) and of records under way: one query."""
    return (
        Cohort.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("organisation", "lead_psw__user")
        .annotate(
            entry_count=Count("entries", distinct=True),
            open_count=Count("records", filter=Q(records__status__in=_OPEN), distinct=True),
        )
        .order_by("-start_month", "organisation__name", "name")
    )


def cohort_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> Cohort:
    """One cohort: 404 when the person does not manage its organisation. `write` changes
    nothing (everyone who sees it may change it) but keeps the shape of the other selectors."""
    found = (
        Cohort.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("organisation", "lead_psw__user")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such cohort.")
    return found


def cohort_records(*, scope: Scope, cohort: Cohort) -> QuerySet[AsyeRecord]:
    """The cohort's records, from the staff list's selector (everything the row shows joined)."""
    return records_in_staff_scope(scope=scope).filter(cohort=cohort)


def cohort_entries_waiting(*, cohort: Cohort) -> QuerySet[CohortEntry]:
    """People imported into the cohort whose record has not started yet (invited, not joined)."""
    return (
        CohortEntry.objects.filter(cohort=cohort, record__isnull=True)
        .select_related("invitation", "assessor__user", "line_manager__user", "team")
        .order_by("full_name", "email")
    )


def lead_psw_choices(*, scope: Scope) -> QuerySet[Membership]:
    """Current PSW memberships in the organisations in scope (and the partnership above)."""
    ids = set(staff_scope_ids(scope=scope))
    if scope.organisation is not None and scope.organisation.parent_id is not None and ids:
        ids.add(scope.organisation.parent_id)
    return (
        Membership.objects.filter(current_membership_q(), role=Role.PSW, organisation_id__in=ids)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )


def organisations_for_cohorts(*, scope: Scope) -> QuerySet[Organisation]:
    """Organisations a staff member may run cohorts in: the councils in scope (a partnership's
    NQSWs are employed by its councils)."""
    return Organisation.objects.filter(
        pk__in=staff_scope_ids(scope=scope), kind=Organisation.Kind.COUNCIL
    ).order_by("name")


# --- What an import needs to know, in a fixed number of queries ------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the portal knows about one email address (lower case)."""

    user: User
    # Current memberships of the account, any organisation.
    memberships: list[Membership]


@dataclass
class ImportContext:
    """Everything an import of a cohort's file is checked against, loaded once for all rows."""

    assessors: dict[str, Membership]
    line_managers: dict[str, Membership]
    teams: dict[str, Team]
    programme_types: list[ProgrammeType]
    people: dict[str, PersonFacts]
    # Entries already in any cohort of the organisation, by email.
    entries: dict[str, CohortEntry]
    # Open records of NQSW memberships in the organisation, by the NQSW's email.
    records: dict[str, AsyeRecord]
    # Pending invitations to be an NQSW in the organisation, by email.
    invitations: dict[str, Invitation]


def _by_email(memberships: Iterable[Membership]) -> dict[str, Membership]:
    """One membership per email; the cohort's own organisation wins over the partnership."""
    found: dict[str, Membership] = {}
    for membership in memberships:
        key = membership.user.email.lower()
        if key not in found or membership.organisation.parent_id is not None:
            found[key] = membership
    return found


def import_context(*, cohort: Cohort, emails: Sequence[str]) -> ImportContext:
    """Eight queries whatever the number of rows: the assessors and the line managers who may be
    assigned, the teams, the programme types with their versions, the accounts with the file's
    emails and their current memberships, the organisation's cohort entries, its open records and
    its pending invitations (with the file's emails)."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from ..models import ProgrammeTypeVersion

    organisation = cohort.organisation
    org_ids = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
    assignable = Membership.objects.filter(
        current_membership_q(), organisation_id__in=org_ids
    ).select_related("user", "organisation")
    lowered = sorted({email.strip().lower() for email in emails if email.strip()})
    users = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=lowered)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(current_membership_q()).select_related("organisation"),
                to_attr="current",
            )
        )
    )
    people = {user.email.lower(): PersonFacts(user=user, memberships=list(user.current)) for user in users}
    entries = {
        entry.email: entry
        for entry in CohortEntry.objects.filter(
            cohort__organisation=organisation, email__in=lowered
        ).select_related("cohort", "invitation", "record")
    }
    records = {
        record.nqsw.user.email.lower(): record
        for record in AsyeRecord.objects.filter(
            organisation=organisation, status__in=_OPEN, nqsw__user__in=[p.user for p in people.values()]
        ).select_related("nqsw__user", "cohort")
    }
    invitations: dict[str, Invitation] = {}
    pending = Invitation.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=lowered,
        organisation=organisation,
        role=Role.NQSW,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    for invitation in pending:
        invitations[invitation.email.lower()] = invitation
    return ImportContext(
        assessors=_by_email(assignable.filter(role=Role.ASSESSOR)),
        line_managers=_by_email(assignable.filter(role=Role.LINE_MANAGER)),
        teams={team.name.strip().casefold(): team for team in Team.objects.filter(organisation=organisation)},
        programme_types=list(
            ProgrammeType.objects.prefetch_related(
                Prefetch(
                    "versions", queryset=ProgrammeTypeVersion.objects.order_by("in_force_from", "created_at")
                )
            )
        ),
        people=people,
        entries=entries,
        records=records,
        invitations=invitations,
    )


# --- Assessor workload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessorLoad:
    membership: Membership
    nqsws: int
    waiting: int


def assessor_workload(*, scope: Scope) -> list[AssessorLoad]:
    """Each current assessor of the organisations in scope (and the partnership above), with the
    NQSWs assigned to them whose records are under way in scope, and the evidence waiting for
    them on those records. Three queries: assessors, records counted, evidence counted."""
    ids = staff_scope_ids(scope=scope)
    if not ids:
        return []
    with_parent = set(ids)
    if scope.organisation is not None and scope.organisation.parent_id is not None:
        with_parent.add(scope.organisation.parent_id)
    assessors = list(
        Membership.objects.filter(current_membership_q(), role=Role.ASSESSOR, organisation_id__in=with_parent)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )
    in_scope = Q(organisation_id__in=ids, status__in=_OPEN)
    nqsws = dict(
        AsyeRecord.objects.filter(in_scope, assessor__in=assessors)
        .values_list("assessor")
        .annotate(n=Count("id"))
        .values_list("assessor", "n")
    )
    waiting = dict(
        EvidenceItem.objects.filter(
            record__organisation_id__in=ids,
            record__status__in=_OPEN,
            record__assessor__in=assessors,
            status__in=[s.value for s in WAITING],
        )
        .values_list("record__assessor")
        .annotate(n=Count("id"))
        .values_list("record__assessor", "n")
    )
    return [
        AssessorLoad(membership=m, nqsws=nqsws.get(m.pk, 0), waiting=waiting.get(m.pk, 0)) for m in assessors
    ]


# --- Large imports (Celery) ----------------------------------------------------------------------------


def cohort_import_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> CohortImport:
    """A large import's job, for staff over its cohort's organisation (404 for anyone else)."""
    found = (
        CohortImport.objects.filter(cohort__organisation_id__in=staff_scope_ids(scope=scope), pk=pk)
        .select_related("cohort__organisation")
        .first()
    )
    if found is None:
        raise Http404("No such import.")
    return found


def cohort_import_file_readable(scope: Scope, stored_file: Any) -> bool:
    """The private files check (`register_file_owner`): staff over the job's cohort."""
    try:
        cohort_import_get_for_user(scope=scope, pk=stored_file.owner_id)
    except (Http404, ValueError):
        return False
    return True


def nqsw_memberships(*, organisation: Organisation, emails: Sequence[str]) -> QuerySet[Membership]:
    """Current NQSW memberships in `organisation` of the people with these emails, with no
    record under way."""
    lowered = sorted({email.lower() for email in emails})
    return (
        Membership.objects.annotate(email_lower=Lower("user__email"))
        .filter(current_membership_q(), role=Role.NQSW, organisation=organisation, email_lower__in=lowered)
        .exclude(asye_records__status__in=_OPEN)
        .select_related("user", "organisation")
    )
