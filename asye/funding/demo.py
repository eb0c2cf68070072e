"""Demo funding: Brackenmoor's NQSWs registered with their scheme, some claims made and one
paid, and one NQSW left unregistered, so the funding pages show each state. Running it again
changes nothing: a record already registered is left alone."""

import datetime
from decimal import Decimal

from django.db import transaction

from academy.demo import DEMO_DOMAIN
from academy.models import Organisation, User

from ..models import OPEN_STATUSES, AsyeRecord
from . import services
from .models import ClaimKind, FundingRegistration, FundingScheme
from .rates import load_funding_rates
from .rules import Eligibility

COUNCIL = "brackenmoor"
SCHEMES = {"adults": FundingScheme.ADULT_SFC, "children_families": FundingScheme.CHILD_FAMILY_DFE}
# Skills for Care's adult amount is not confirmed in the data: the demo types one in.
ADULT_AMOUNT = Decimal("1000.00")


@transaction.atomic
def load_funding_demo() -> None:
    council = Organisation.objects.filter(slug=COUNCIL).first()
    psw = User.objects.filter(email=f"psw@{DEMO_DOMAIN}").first()
    if council is None or psw is None:
        return  # the core's demo academy is not loaded
    load_funding_rates()
    records = list(
        AsyeRecord.objects.filter(organisation=council, status__in=[s.value for s in OPEN_STATUSES])
        .select_related("nqsw__user", "organisation")
        .order_by("nqsw__user__full_name", "pk")
    )
    if FundingRegistration.objects.filter(record__in=records).exists():
        return
    for number, record in enumerate(records[:-1] if len(records) > 1 else records):
        scheme = SCHEMES.get(record.service_area)
        if scheme is None:
            continue
        registered_on = max(record.start_date, datetime.date(2026, 4, 1)) + datetime.timedelta(days=7)
        if services.rate_for(scheme=scheme, on=registered_on) is None:
            continue  # no funding year loaded for that date
        registration = services.funding_register(
            actor=psw,
            record=record,
            scheme=scheme,
            registered_on=registered_on,
            reference=f"DEMO-{number + 1:03d}",
        )
        if services.registration_eligibility(registration) is not Eligibility.ELIGIBLE or number % 3 == 2:
            continue
        amount = ADULT_AMOUNT if scheme == FundingScheme.ADULT_SFC else None
        claim = services.funding_claim_record(
            actor=psw,
            registration=registration,
            kind=ClaimKind.REGISTRATION,
            claimed_on=registered_on + datetime.timedelta(days=3),
            amount=amount,
        )
        if number % 2 == 0:
            services.funding_claim_paid(
                actor=psw, claim=claim, paid_on=claim.claimed_on + datetime.timedelta(days=30)
            )
