"""Reads of the CPD ledger. A ledger belongs to its person: every selector here answers with the
signed-in person's own records only, whatever roles they hold and in whichever organisation.
An employer's view of status and counts is a separate, later selector; nobody else ever reaches
a record's content through this module."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from academy.files.models import StoredFile
from academy.files.selectors import stored_files_of
from academy.models import FrameworkElement, FrameworkVersion, Membership, User
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import current_membership_q

from . import rules
from .models import CpdRecord, PeerReflection, RecordStatus, RegistrationYear

FILE_OWNER_KIND = "cpd.record"
SWE_STANDARDS = "swe-professional-standards"
CPD_STANDARD = "4"


# --- Registration years ----------------------------------------------------------------------------


YEARS_CACHE_KEY = "cpd:registration-years"
YEARS_CACHE_SECONDS = 300


def registration_years() -> list[RegistrationYear]:
    """Every defined year, newest first: a handful of rows of reference data that change only
    with a data migration, so they are kept in the cache briefly (the home panel asks on every
    page view)."""
    years = cache.get(YEARS_CACHE_KEY)
    if years is None:
        years = list(RegistrationYear.objects.all())
        cache.set(YEARS_CACHE_KEY, years, YEARS_CACHE_SECONDS)
    return list(years)


def registration_year_for(
    *, day: datetime.date, years: Sequence[RegistrationYear] | None = None
) -> RegistrationYear | None:
    found = rules.year_for(day, years if years is not None else registration_years())
    return found  # type: ignore[return-value]


def registration_year_get(*, slug: str) -> RegistrationYear:
    year = RegistrationYear.objects.filter(slug=slug).first()
    if year is None:
        raise Http404("No such registration year.")
    return year


def registration_year_current(*, now: datetime.datetime) -> RegistrationYear | None:
    today = rules.london_today(now)
    return next((y for y in registration_years() if y.starts_on <= today <= y.ends_on), None)


# --- Topic tags: the parts of SWE standard 4 ------------------------------------------------------


def cpd_topic_elements() -> QuerySet[FrameworkElement]:
    """The parts of standard 4 (4.1 to 4.8) of the newest version of SWE's professional standards in
    force, as loaded by the core's framework data."""
    version = (
        FrameworkVersion.objects.filter(framework__slug=SWE_STANDARDS)
        .exclude(status=FrameworkVersion.Status.SUPERSEDED)
        .order_by("-in_force_from")
        .first()
    )
    if version is None:
        return FrameworkElement.objects.none()
    return FrameworkElement.objects.filter(version=version, parent__code=CPD_STANDARD).order_by(
        "position", "code"
    )


# --- The person's own records -------------------------------------------------------------------------


def _own(user: User) -> QuerySet[CpdRecord]:
    return CpdRecord.objects.filter(person=user)


def cpd_records_visible_to(*, scope: Scope) -> QuerySet[CpdRecord]:
    """The signed-in person's own records, newest first, with their peer reflection. Never anyone
    else's: an employer's roles give no access to content."""
    return _own(scope.user).select_related("peer_reflection")


def cpd_records_in_year(*, scope: Scope, year: RegistrationYear | None) -> QuerySet[CpdRecord]:
    """The person's records dated in `year` (none when there is no year)."""
    if year is None:
        return CpdRecord.objects.none()
    return cpd_records_visible_to(scope=scope).filter(
        occurred_on__gte=year.starts_on, occurred_on__lte=year.ends_on
    )


def cpd_record_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> CpdRecord:
    """The record, when it is the signed-in person's own; 404 for everyone else (their employer's
    staff included), so nobody learns that it exists. The owner may always write."""
    record = (
        _own(scope.user)
        .select_related("peer_reflection")
        .prefetch_related(Prefetch("topics", queryset=FrameworkElement.objects.order_by("position", "code")))
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404("No such CPD record.")
    return record


def cpd_records_citable(*, scope: Scope) -> QuerySet[CpdRecord]:
    """The signed-in person's completed records, newest first, with the columns a list of them
    shows: what they may cite elsewhere (ASYE evidence). Never anyone else's."""
    return (
        _own(scope.user)
        .filter(status=RecordStatus.COMPLETE)
        .only("id", "person_id", "title", "activity_type", "occurred_on", "status")
        .order_by("-occurred_on", "-created_at")
    )


def cpd_record_citable_get(*, scope: Scope, pk: UUID | str) -> CpdRecord:
    """One of the signed-in person's completed records, with its topics and peer reflection;
    404 for a draft and for anyone else's record."""
    record = cpd_record_get_for_user(scope=scope, pk=pk)
    if not record.is_complete:
        raise Http404("Only a completed CPD record can be cited.")
    return record


def cpd_record_attachments(*, record: CpdRecord) -> QuerySet[StoredFile]:
    """The record's files, for a record already reached through `cpd_record_get_for_user`."""
    return stored_files_of(owner_kind=FILE_OWNER_KIND, owner_id=record.pk)


def cpd_file_readable(scope: Scope, stored_file: StoredFile) -> bool:
    """Registered with the core's private files: only the record's person may read its files."""
    return _own(scope.user).filter(pk=stored_file.owner_id).exists()


def peer_reflection_of(record: CpdRecord) -> PeerReflection | None:
    try:
        return record.peer_reflection
    except PeerReflection.DoesNotExist:
        return None


# --- Duplicates -----------------------------------------------------------------------------------------


def cpd_record_repeating(
    *,
    user: User,
    title: str,
    occurred_on: datetime.date,
    description: str,
    learning: str,
    impact: str,
    exclude_pk: UUID | str | None = None,
) -> CpdRecord | None:
    """The person's record this one would repeat: the same title on the same date, or the same
    content (description, learning and impact, ignoring case and spacing)."""
    candidate = rules.RecordFacts(
        complete=False,
        peer_reflected=False,
        title=title,
        occurred_on=occurred_on,
        content=content_of(description, learning, impact),
    )
    others = _own(user).only("id", "title", "occurred_on", "description", "learning", "impact")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    wanted_title = rules.normalise(title)
    wanted_content = rules.fingerprint(candidate) if candidate.content else None
    for other in others.filter(title__iexact=title.strip(), occurred_on=occurred_on):
        if rules.normalise(other.title) == wanted_title:
            return other
    if wanted_content is not None:
        for other in others.filter(description__iexact=description.strip()):
            if rules.fingerprint(facts_of(other)) == wanted_content:
                return other
    return None


def content_of(description: str, learning: str, impact: str) -> str:
    """The content that makes a record one piece of learning: empty until all three are written,
    so half-written drafts are compared by title and date only."""
    if not (description.strip() and learning.strip() and impact.strip()):
        return ""
    return "\n".join([description, learning, impact])


def facts_of(record: CpdRecord) -> rules.RecordFacts:
    reflection = peer_reflection_of(record)
    return rules.RecordFacts(
        complete=record.status == RecordStatus.COMPLETE,
        peer_reflected=reflection is not None and bool(reflection.learning.strip()),
        title=record.title,
        occurred_on=record.occurred_on,
        content=content_of(record.description, record.learning, record.impact),
    )


# --- Progress ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearSummary:
    year: RegistrationYear
    progress: rules.YearProgress


def year_progress(*, scope: Scope, year: RegistrationYear, now: datetime.datetime) -> rules.YearProgress:
    """The person's progress in `year` (one query: their records of the year with reflections)."""
    records = cpd_records_in_year(scope=scope, year=year).only(
        "id",
        "status",
        "title",
        "occurred_on",
        "description",
        "learning",
        "impact",
        "peer_reflection__learning",
    )
    return rules.progress(year=year, records=[facts_of(r) for r in records], now=now)


def years_progress(
    *, scope: Scope, years: Sequence[RegistrationYear], now: datetime.datetime
) -> list[YearSummary]:
    """Progress in each of `years`, from one query over the person's records in their span."""
    if not years:
        return []
    start = min(y.starts_on for y in years)
    end = max(y.ends_on for y in years)
    records = list(
        cpd_records_visible_to(scope=scope)
        .filter(occurred_on__gte=start, occurred_on__lte=end)
        .only(
            "id",
            "status",
            "title",
            "occurred_on",
            "description",
            "learning",
            "impact",
            "peer_reflection__learning",
        )
    )
    summaries = []
    for year in years:
        inside = [facts_of(r) for r in records if year.starts_on <= r.occurred_on <= year.ends_on]
        summaries.append(YearSummary(year, rules.progress(year=year, records=inside, now=now)))
    return summaries


# --- Who keeps CPD, and how far each has got (set-based: one query for any number of people) ------

# People whose role is social work that Social Work England registers them for: newly qualified
# and experienced social workers, line managers, ASYE assessors, practice educators and principal
# social workers. Students (not registered yet), university tutors, moderators and academy admins
# are left out. The reminders and the employer's compliance view share this rule.
CPD_KEEPING_ROLES = frozenset(
    {Role.NQSW, Role.SOCIAL_WORKER, Role.LINE_MANAGER, Role.ASSESSOR, Role.PRACTICE_EDUCATOR, Role.PSW}
)


def cpd_keeping_memberships(*, current_only: bool = True) -> QuerySet[Membership]:
    """Memberships in a CPD-keeping role: current ones, or (`current_only=False`) every one, ended
    or not."""
    found = Membership.objects.filter(role__in=sorted(CPD_KEEPING_ROLES))
    return found.filter(current_membership_q()) if current_only else found


def cpd_keepers() -> QuerySet[User]:
    """Everyone who keeps CPD: a current membership in a CPD-keeping role, or one that has ended
    (a person keeps their ledger when they leave an employer). Each person once."""
    held = cpd_keeping_memberships(current_only=False).filter(user=OuterRef("pk"))
    return User.objects.filter(Exists(held), is_active=True)


def year_counts(*, year: RegistrationYear, prefix: str = "") -> dict[str, Count]:
    """Annotations counting a person's completed records dated in `year` (`records`) and those
    with a peer reflection that has some learning in it (`peer_reflected`). `prefix` reaches the
    person through a relation ("user__"). The services refuse a record that repeats another, so
    each completed record is a different piece of learning. Only counts: no record's content."""
    records = f"{prefix}cpd_records"
    in_year = Q(
        **{
            f"{records}__status": RecordStatus.COMPLETE,
            f"{records}__occurred_on__gte": year.starts_on,
            f"{records}__occurred_on__lte": year.ends_on,
        }
    )
    peer = in_year & Q(**{f"{records}__peer_reflection__learning__regex": r"\S"})
    return {
        "records": Count(records, filter=in_year, distinct=True),
        "peer_reflected": Count(records, filter=peer, distinct=True),
    }


def requirement_met_q(*, year: RegistrationYear) -> Q:
    """Over `year_counts` annotations: the year's requirement is met."""
    return Q(records__gte=year.required_records, peer_reflected__gte=year.required_peer_reflected)
