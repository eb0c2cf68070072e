"""Demo placements data, so the register shows every currency state after `make demo`:

- Jo Whitlow (the demo practice educator, Saltmarsh, off site): stage 2, current.
- Tom Ashdown (social worker, Brackenmoor): stage 1, currency lapsing within the warning window.
- Martin Feld (assessor, Brackenmoor): stage 2, currency lapsed.
- Grace Okafor-Lind (line manager, Brackenmoor): trainee.

The University of Northvale is a partner of the Northvale academy; its tutor (Dr Anya Brook)
has asked for first-placement places (two offered by Saltmarsh's hospital discharge team) and
for a final placement. Sam Rivington (the demo student) is placed with Jo; Kai Morrow waits to
be matched to the second place.

Dates are set from today, so the states hold whenever the demo is loaded. Running the loader
again changes nothing: an entry is made only when the person has none in that organisation."""

import datetime

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role

from . import rules, services
from .models import (
    DayKind,
    DocumentKind,
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementKind,
    PlacementOffer,
    PlacementRequest,
    PracticeEducator,
    PracticeSetting,
    UniversityPartnership,
)


def _months_ago(today: datetime.date, months: int) -> datetime.date:
    return rules.add_months(today, -months)


@transaction.atomic
def load_placements_demo() -> None:
    today = timezone.localdate()
    interval = rules.currency_months()
    admin = User.objects.filter(email=f"academy-admin@{DEMO_DOMAIN}").first()
    if admin is None:
        return
    people = [
        (
            "practice-educator",
            {
                "stage": EducatorStage.STAGE_2,
                "qualified_on": _months_ago(today, 40),
                "last_student_on": _months_ago(today, 5),
                "last_update_on": _months_ago(today, 9),
                "capacity_per_year": 2,
                "settings_offered": [PracticeSetting.ADULTS, PracticeSetting.HEALTH],
                "role": EducatorRole.OFF_SITE,
            },
        ),
        (
            "social-worker",
            {
                "stage": EducatorStage.STAGE_1,
                # Lapses within the warning window: a month from now.
                "qualified_on": _months_ago(today, interval) + datetime.timedelta(days=30),
                "capacity_per_year": 1,
                "settings_offered": [PracticeSetting.ADULTS],
                "role": EducatorRole.ON_SITE,
            },
        ),
        (
            "assessor",
            {
                "stage": EducatorStage.STAGE_2,
                "qualified_on": _months_ago(today, interval + 30),
                "last_student_on": _months_ago(today, interval + 2),
                "capacity_per_year": 1,
                "settings_offered": [PracticeSetting.ADULTS, PracticeSetting.MENTAL_HEALTH],
                "role": EducatorRole.ON_SITE,
                "notes": "Refresher booked for next term.",
            },
        ),
        (
            "line-manager",
            {
                "stage": EducatorStage.TRAINEE,
                "capacity_per_year": 1,
                "settings_offered": [PracticeSetting.ADULTS],
                "role": EducatorRole.ON_SITE,
            },
        ),
    ]
    for handle, details in people:
        membership = (
            Membership.objects.filter(user__email=f"{handle}@{DEMO_DOMAIN}", is_active=True)
            .select_related("organisation", "user", "team")
            .first()
        )
        if membership is None:
            continue
        if PracticeEducator.objects.filter(
            organisation=membership.organisation, user=membership.user
        ).exists():
            continue
        services.educator_register(actor=admin, membership=membership, **details)  # type: ignore[arg-type]
    _load_requests(admin=admin, today=today)


def _person(email: str, full_name: str, organisation: Organisation, role: str, team: Team | None) -> User:
    """A demo person who never signs in (no password), with a current role."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
    Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        defaults={"team": team, "started_on": timezone.localdate()},
    )
    return user


def _load_placement(
    *,
    admin: User,
    tutor: User,
    placement_request: PlacementRequest,
    offer: PlacementOffer,
    today: datetime.date,
) -> None:
    """Sam Rivington (the demo student) is placed with the hospital discharge team, Jo Whitlow
    as practice educator (off site) and Bea Holloway as on-site supervisor. A second student,
    Kai Morrow, waits to be matched to the place left."""
    university = placement_request.university
    student = User.objects.filter(email=f"student@{DEMO_DOMAIN}").first()
    educator = PracticeEducator.objects.filter(user__email=f"practice-educator@{DEMO_DOMAIN}").first()
    if student is None or educator is None:
        return
    supervisor = _person(
        f"bea.holloway@{DEMO_DOMAIN}", "Bea Holloway", offer.team.organisation, Role.SOCIAL_WORKER, offer.team
    )
    _person(f"kai.morrow@{DEMO_DOMAIN}", "Kai Morrow", university, Role.STUDENT, None)
    placement = services.placement_confirm(
        actor=admin,
        placement_request=placement_request,
        offer=offer,
        educator=educator,
        student=student,
        tutor=tutor,
        on_site_supervisor=supervisor,
        today=today,
    )
    _load_days(placement=placement, student=student, supervisor=supervisor, today=today)
    _load_records(placement=placement, student=student, supervisor=supervisor, tutor=tutor, today=today)


def _load_records(
    *, placement: Placement, student: User, supervisor: User, tutor: User, today: datetime.date
) -> None:
    """The learning agreement meeting, signed by everyone, and a first direct observation that
    the educator has signed and Sam has still to."""
    held_on = placement.starts_on + datetime.timedelta(days=3)
    if held_on > min(today, placement.ends_on):
        return
    educator = placement.educator.user
    agreement = services.placement_document_create(
        actor=educator,
        placement=placement,
        kind=DocumentKind.LEARNING_AGREEMENT,
        held_on=held_on,
        summary=(
            "Sam will learn hospital discharge assessment under the Care Act, with weekly supervision "
            "from Jo (off site) and day-to-day support from Bea. Two direct observations, the first "
            "in week four."
        ),
        learning_needs="Confidence in multi-disciplinary meetings; recording assessments promptly.",
    )
    for person, capacity in (
        (educator, "educator"),
        (student, "student"),
        (supervisor, "supervisor"),
        (tutor, "tutor"),
    ):
        services.placement_document_sign(actor=person, document=agreement, capacity=capacity)
    observed_on = placement.starts_on + datetime.timedelta(days=24)
    if observed_on <= min(today, placement.ends_on):
        observation = services.placement_document_create(
            actor=educator,
            placement=placement,
            kind=DocumentKind.OBSERVATION,
            held_on=observed_on,
            summary="Observed Sam lead a discharge planning conversation with a family: clear, respectful.",
            learning_needs="Check understanding before closing the conversation.",
        )
        services.placement_document_sign(actor=educator, document=observation, capacity="educator")


def _load_days(*, placement: Placement, student: User, supervisor: User, today: datetime.date) -> None:
    """Sam's weekdays so far: practice days on Monday to Wednesday and Friday, a skills day on
    Thursdays, one absence; all but the last week confirmed by the on-site supervisor."""
    day = placement.starts_on
    absent = placement.starts_on + datetime.timedelta(days=15)
    while day < today:
        if day.weekday() < 5:
            kind = DayKind.SKILLS if day.weekday() == 3 else DayKind.PRACTICE
            if day == absent or (absent.weekday() >= 5 and day == absent + datetime.timedelta(days=2)):
                kind = DayKind.ABSENCE
            entry = services.placement_day_record(
                actor=student, placement=placement, day=day, kind=kind, today=today
            )
            if kind != DayKind.ABSENCE and day < today - datetime.timedelta(days=7):
                services.placement_day_confirm(actor=supervisor, entry=entry)
        day += datetime.timedelta(days=1)


def _load_requests(*, admin: User, today: datetime.date) -> None:
    """The University of Northvale places students with the Northvale academy; its tutor has
    asked for two first-placement places next term, and the hospital discharge team has offered
    one."""
    university = Organisation.objects.filter(slug="university-of-northvale").first()
    academy = Organisation.objects.filter(slug="northvale-academy").first()
    tutor = User.objects.filter(email=f"tutor@{DEMO_DOMAIN}").first()
    team = Team.objects.filter(organisation__slug="saltmarsh", name="Hospital Discharge Team").first()
    if university is None or academy is None or tutor is None or team is None:
        return
    partnership = UniversityPartnership.objects.filter(university=university, partner=academy).first()
    if partnership is None:
        partnership = services.partnership_add(actor=admin, university=university, partner=academy)
    if PlacementRequest.objects.filter(partnership=partnership).exists():
        return
    # The first placements began six weeks ago, so the demo has a days log to show.
    starts_on = today - datetime.timedelta(weeks=6)
    first = services.placement_request_create(
        actor=tutor,
        partnership=partnership,
        kind=PlacementKind.FIRST,
        days_required=70,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=24),
        students=2,
        settings_wanted=[PracticeSetting.ADULTS, PracticeSetting.HEALTH],
        notes="Both students can travel across the county.",
    )
    offer = services.placement_offer_create(
        actor=admin, placement_request=first, team=team, setting=PracticeSetting.HEALTH, places=2
    )
    _load_placement(admin=admin, tutor=tutor, placement_request=first, offer=offer, today=today)
    final_starts = rules.add_months(today, 9)
    services.placement_request_create(
        actor=tutor,
        partnership=partnership,
        kind=PlacementKind.FINAL,
        days_required=100,
        starts_on=final_starts,
        ends_on=final_starts + datetime.timedelta(weeks=26),
        students=1,
    )
