"""Demo cohorts: Brackenmoor's adult and children's intakes. The demo NQSWs' records (asye/demo.py)
join them through the import itself, and two invented newcomers per intake are invited, so the
cohort pages show records under way and people waiting to join. Running it again changes
nothing: the same rows import as "no change"."""

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role

from ..dates import add_months
from ..models import OPEN_STATUSES, AsyeRecord
from . import services
from .models import Cohort
from .reading import COLUMNS, RawRow

COUNCIL = "brackenmoor"
INTAKES = [
    ("Brackenmoor adults intake", Team.ServiceArea.ADULTS, "Adult services"),
    ("Brackenmoor children and families intake", Team.ServiceArea.CHILDREN_FAMILIES, "Children and families"),
]
NEWCOMERS = {
    Team.ServiceArea.ADULTS: [("Tomasz Wilde", "newcomer-adults-1"), ("Grace Ashworth", "newcomer-adults-2")],
    Team.ServiceArea.CHILDREN_FAMILIES: [
        ("Rhiannon Vale", "newcomer-children-1"),
        ("Kwame Ellery", "newcomer-children-2"),
    ],
}


def _row(number: int, **values: str) -> RawRow:
    return RawRow(number=number, values={column.key: values.get(column.key, "") for column in COLUMNS})


@transaction.atomic
def load_cohorts_demo() -> None:
    council = Organisation.objects.filter(slug=COUNCIL).first()
    psw = User.objects.filter(email=f"psw@{DEMO_DOMAIN}").first()
    if council is None or psw is None:
        return  # the core's demo academy is not loaded
    lead = Membership.objects.filter(user=psw, organisation=council, role=Role.PSW).first()
    records = list(
        AsyeRecord.objects.filter(
            organisation=council, status__in=[s.value for s in OPEN_STATUSES]
        ).select_related(
            "nqsw__user", "team", "programme_version__programme_type", "assessor__user", "line_manager__user"
        )
    )
    if not records:
        return  # the ASYE demo is not loaded
    for name, area, area_words in INTAKES:
        mine = [r for r in records if r.service_area == area]
        if not mine:
            continue
        cohort = Cohort.objects.filter(organisation=council, name=name).first()
        if cohort is None:
            earliest = min(r.start_date for r in mine)
            cohort = services.cohort_create(
                actor=psw,
                organisation=council,
                name=name,
                start_month=earliest,
                service_area=area,
                lead_psw=lead,
            )
        rows = [
            _row(
                number,
                full_name=r.nqsw.user.display_name,
                email=r.nqsw.user.email,
                start_date=r.start_date.isoformat(),
                fte=str(r.fte),
                team=r.team.name if r.team else "",
                service_area=area_words,
                programme_type=r.programme_version.programme_type.slug,
                date_qualified=r.date_qualified.isoformat() if r.date_qualified else "",
                swe_number=r.swe_number,
                assessor_email=r.assessor.user.email,
                manager_email=r.line_manager.user.email,
            )
            for number, r in enumerate(mine, start=2)
        ]
        first = mine[0]
        # Newcomers join the intake at the start of next month.
        starting = add_months(timezone.localdate().replace(day=1), 1)
        for offset, (full_name, local) in enumerate(NEWCOMERS[area], start=len(rows) + 2):
            rows.append(
                _row(
                    offset,
                    full_name=full_name,
                    email=f"{local}@{DEMO_DOMAIN}",
                    start_date=starting.isoformat(),
                    fte="1",
                    team=first.team.name if first.team else "",
                    service_area=area_words,
                    programme_type=first.programme_version.programme_type.slug,
                    swe_number=f"SW8{offset:05d}",
                    assessor_email=first.assessor.user.email,
                    manager_email=first.line_manager.user.email,
                )
            )
        services.cohort_import(actor=psw, cohort=cohort, rows=rows, file_name="demo-intake.csv")
