"""Funding pages in the URL walk: the walk's record (home council), registered and claimed.
Staff over the home council open everything; staff of another council are told it does not
exist; every other role is refused by role (403)."""

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from academy.tests.walk import staff_only
from asye.funding.models import FundingClaim, FundingRate, FundingRegistration
from asye.funding.rates import load_funding_rates


def _claim(world: World) -> Any:
    load_funding_rates()
    record = world["record"]
    registration = FundingRegistration.objects.create(
        record=record,
        scheme="adult_sfc",
        rate=FundingRate.objects.get(scheme="adult_sfc", starts_on="2026-04-01"),
        registered_on=datetime.date(2026, 10, 1),
        created_by=world.persona("psw"),
    )
    return FundingClaim.objects.create(
        registration=registration,
        kind="registration",
        amount=Decimal("1000.00"),
        claimed_on=datetime.date(2026, 10, 2),
        created_by=world.persona("psw"),
    )


def _of_record(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("funding_claim", _claim)
    everywhere = staff_only(200, elsewhere=200)
    home_only = staff_only(200, elsewhere=404)
    walk.add_rules(
        {
            "asye:funding": Rule(lambda w, p: reverse("asye:funding"), expect=everywhere),
            "asye:funding_csv": Rule(lambda w, p: reverse("asye:funding_csv"), expect=everywhere),
            "asye:funding_record": Rule(_of_record("asye:funding_record"), expect=home_only),
            "asye:funding_register": Rule(_of_record("asye:funding_register"), expect=home_only),
            # Registered first: an unregistered record's claim page sends the person to register.
            "asye:funding_claim": Rule(
                lambda w, p: reverse("asye:funding_claim", args=[w["funding_claim"].registration.record_id]),
                expect=home_only,
            ),
            "asye:funding_claim_paid": Rule(
                lambda w, p: reverse("asye:funding_claim_paid", args=[w["funding_claim"].pk]),
                expect=home_only,
            ),
        }
    )
