"""ASYE registration and funding: the eligibility rule at its boundary, the rates as data, the
services' rules, the pages' permissions, the claims export (formula injection escaped), the
sibling council's sentinel and the list's query count."""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry
from academy.roles import Role
from asye.funding import services
from asye.funding.models import FundingClaim, FundingRate, FundingRegistration
from asye.funding.rates import load_funding_rates
from asye.funding.rules import Eligibility, anniversary, eligibility
from asye.models import RecordStatus
from asye.tests.factories import AsyeRecordFactory, member, programme_version
from conftest import Orgs

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)
D = datetime.date


@pytest.fixture
def rates(db: None) -> None:
    load_funding_rates()


def cf_record(orgs: Orgs, organisation: Any = None, **fields: Any) -> Any:
    organisation = organisation or orgs.home
    fields.setdefault("nqsw", member(organisation, Role.NQSW, full_name="Casey Child-Family"))
    return AsyeRecordFactory(
        organisation=organisation, programme_version=programme_version("child-family-asye"), **fields
    )


# --- The rule, at its boundary --------------------------------------------------------------------


def test_starting_on_the_fourth_anniversary_is_eligible_and_the_day_after_is_not() -> None:
    qualified = D(2022, 7, 1)
    assert (
        eligibility(max_years=4, date_qualified=qualified, start_date=D(2026, 7, 1)) is Eligibility.ELIGIBLE
    )
    assert (
        eligibility(max_years=4, date_qualified=qualified, start_date=D(2026, 7, 2))
        is Eligibility.NOT_ELIGIBLE
    )
    assert (
        eligibility(max_years=4, date_qualified=qualified, start_date=D(2022, 9, 1)) is Eligibility.ELIGIBLE
    )


def test_the_rule_without_a_date_qualified_or_without_a_limit() -> None:
    assert eligibility(max_years=4, date_qualified=None, start_date=D(2026, 9, 1)) is Eligibility.UNKNOWN
    assert eligibility(max_years=None, date_qualified=None, start_date=D(2026, 9, 1)) is Eligibility.ELIGIBLE
    assert (
        eligibility(max_years=None, date_qualified=D(2000, 1, 1), start_date=D(2026, 9, 1))
        is Eligibility.ELIGIBLE
    )


def test_qualifying_on_29_february_counts_to_28_february() -> None:
    assert anniversary(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert anniversary(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert (
        eligibility(max_years=1, date_qualified=D(2024, 2, 29), start_date=D(2025, 3, 1))
        is Eligibility.NOT_ELIGIBLE
    )


# --- Rates are data ---------------------------------------------------------------------------------


def test_rates_are_loaded_by_the_migration_and_the_loader_is_idempotent() -> None:
    dfe = FundingRate.objects.get(scheme="child_family_dfe", starts_on=D(2026, 4, 1))
    assert (dfe.registration_amount, dfe.completion_amount) == (Decimal("1000.00"), Decimal("1000.00"))
    assert dfe.max_years_since_qualified == 4
    count = FundingRate.objects.count()
    assert load_funding_rates() == 0
    assert FundingRate.objects.count() == count


def test_a_loaded_rate_is_never_changed_by_loading_again(tmp_path: Any) -> None:
    FundingRate.objects.filter(scheme="child_family_dfe").update(registration_amount=Decimal("5.00"))
    load_funding_rates()
    assert FundingRate.objects.get(scheme="child_family_dfe").registration_amount == Decimal("5.00")


# --- Services ---------------------------------------------------------------------------------------


def test_child_and_family_registration_from_april_2026_goes_to_dfe_and_claims_the_rate(
    orgs: Orgs, psw: Any, rates: None, programme_types: None
) -> None:
    record = cf_record(orgs, date_qualified=D(2025, 7, 1), start_date=D(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        services.funding_register(
            actor=psw, record=record, scheme="child_family_dfe", registered_on=D(2026, 3, 31)
        )
    assert "registered_on" in refused.value.message_dict
    registration = services.funding_register(
        actor=psw, record=record, scheme="child_family_dfe", registered_on=D(2026, 9, 10), reference=" DFE-1 "
    )
    assert registration.reference == "DFE-1"
    assert registration.rate.year_label == "2026 to 2027"
    claim = services.funding_claim_record(
        actor=psw, registration=registration, kind="registration", claimed_on=D(2026, 9, 12)
    )
    assert claim.amount == Decimal("1000.00")
    services.funding_claim_paid(actor=psw, claim=claim, paid_on=D(2026, 10, 1))
    claim.refresh_from_db()
    assert claim.paid_on == D(2026, 10, 1)
    verbs = set(AuditEntry.objects.filter(actor=psw).values_list("verb", flat=True))
    assert {"asye_funding.register", "asye_funding.claim", "asye_funding.paid"} <= verbs
    with pytest.raises(ValidationError):  # one claim of each kind
        services.funding_claim_record(
            actor=psw, registration=registration, kind="registration", claimed_on=D(2026, 9, 13)
        )


def test_the_scheme_must_fund_the_records_service_area(
    orgs: Orgs, psw: Any, rates: None, record: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.funding_register(
            actor=psw, record=record, scheme="child_family_dfe", registered_on=D(2026, 9, 1)
        )
    assert "scheme" in refused.value.message_dict


def test_claims_are_refused_for_an_ineligible_or_unknown_nqsw(
    orgs: Orgs, psw: Any, rates: None, programme_types: None
) -> None:
    late = cf_record(orgs, date_qualified=D(2022, 8, 31), start_date=D(2026, 9, 1))
    registration = services.funding_register(
        actor=psw, record=late, scheme="child_family_dfe", registered_on=D(2026, 9, 2)
    )
    with pytest.raises(ValidationError, match="Not eligible"):
        services.funding_claim_record(
            actor=psw, registration=registration, kind="registration", claimed_on=D(2026, 9, 3)
        )
    unknown = cf_record(orgs, date_qualified=None, start_date=D(2026, 9, 1))
    registration = services.funding_register(
        actor=psw, record=unknown, scheme="child_family_dfe", registered_on=D(2026, 9, 2)
    )
    with pytest.raises(ValidationError, match="date the NQSW qualified"):
        services.funding_claim_record(
            actor=psw, registration=registration, kind="registration", claimed_on=D(2026, 9, 3)
        )


def test_unconfirmed_amounts_must_be_typed_and_withdrawn_years_claim_no_completion(
    psw: Any, rates: None, record: Any
) -> None:
    registration = services.funding_register(
        actor=psw, record=record, scheme="adult_sfc", registered_on=D(2026, 9, 2)
    )
    with pytest.raises(ValidationError) as refused:
        services.funding_claim_record(
            actor=psw, registration=registration, kind="registration", claimed_on=D(2026, 9, 3)
        )
    assert "amount" in refused.value.message_dict
    services.funding_claim_record(
        actor=psw,
        registration=registration,
        kind="registration",
        claimed_on=D(2026, 9, 3),
        amount=Decimal("750"),
    )
    record.status = RecordStatus.WITHDRAWN
    record.save()
    registration.refresh_from_db()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.funding_claim_record(
            actor=psw,
            registration=registration,
            kind="completion",
            claimed_on=D(2027, 3, 3),
            amount=Decimal("750"),
        )


def test_payment_before_the_claim_is_refused(psw: Any, rates: None, record: Any) -> None:
    registration = services.funding_register(
        actor=psw, record=record, scheme="adult_sfc", registered_on=D(2026, 9, 2)
    )
    claim = services.funding_claim_record(
        actor=psw,
        registration=registration,
        kind="registration",
        claimed_on=D(2026, 9, 3),
        amount=Decimal("500"),
    )
    with pytest.raises(ValidationError):
        services.funding_claim_paid(actor=psw, claim=claim, paid_on=D(2026, 9, 1))


def test_only_staff_over_the_council_may_write(
    orgs: Orgs, personas: dict[str, Any], rates: None, record: Any
) -> None:
    sibling_psw = member(orgs.sibling, Role.PSW).user
    for actor in (personas["assessor"], personas["manager"], personas["nqsw"], sibling_psw):
        with pytest.raises(PermissionDenied):
            services.funding_register(
                actor=actor, record=record, scheme="adult_sfc", registered_on=D(2026, 9, 2)
            )
    assert not FundingRegistration.objects.exists()


# --- Pages -------------------------------------------------------------------------------------------


def _registered(psw: Any, record: Any, *, amount: str = "1000") -> FundingClaim:
    registration = services.funding_register(
        actor=psw, record=record, scheme="adult_sfc", registered_on=D(2026, 9, 2), reference="SFC-9"
    )
    return services.funding_claim_record(
        actor=psw,
        registration=registration,
        kind="registration",
        claimed_on=D(2026, 9, 3),
        amount=Decimal(amount),
    )


def _urls(record: Any, claim: FundingClaim) -> list[str]:
    return [
        reverse("asye:funding"),
        reverse("asye:funding_csv"),
        reverse("asye:funding_record", args=[record.pk]),
        reverse("asye:funding_register", args=[record.pk]),
        reverse("asye:funding_claim", args=[record.pk]),
        reverse("asye:funding_claim_paid", args=[claim.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, psw: Any, rates: None, record: Any) -> None:
    for url in _urls(record, _registered(psw, record)):
        response: Any = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("viewer", ["nqsw", "assessor", "manager", "social_worker"])
def test_other_roles_are_refused(
    client: Client, personas: dict[str, Any], psw: Any, rates: None, record: Any, viewer: str
) -> None:
    claim = _registered(psw, record)
    client.force_login(personas[viewer])
    for url in _urls(record, claim):
        assert client.get(url).status_code == 403, url
    post = client.post(
        reverse("asye:funding_claim_paid", args=[claim.pk]),
        {"paid_on_0": "1", "paid_on_1": "10", "paid_on_2": "2026"},
    )
    assert post.status_code == 403
    claim.refresh_from_db()
    assert claim.paid_on is None


def test_staff_of_the_sibling_council_are_told_it_does_not_exist(
    client: Client, personas: dict[str, Any], psw: Any, rates: None, record: Any
) -> None:
    claim = _registered(psw, record)
    client.force_login(personas["sibling_psw"])
    for url in _urls(record, claim)[2:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("asye:funding_register", args=[record.pk]), {}).status_code == 404


def test_unsupported_methods_are_refused(client: Client, psw: Any, rates: None, record: Any) -> None:
    client.force_login(psw)
    assert client.post(reverse("asye:funding")).status_code == 405
    assert client.post(reverse("asye:funding_csv")).status_code == 405
    assert client.post(reverse("asye:funding_record", args=[record.pk])).status_code == 405


def test_the_psw_registers_claims_and_records_the_payment_through_the_pages(
    client: Client, orgs: Orgs, psw: Any, rates: None, programme_types: None
) -> None:
    record = cf_record(orgs, date_qualified=D(2024, 6, 1), start_date=D(2026, 9, 1))
    client.force_login(psw)
    page = client.get(reverse("asye:funding_record", args=[record.pk]))
    assert "Not registered for funding yet" in page.content.decode()
    response: Any = client.post(
        reverse("asye:funding_register", args=[record.pk]),
        {
            "scheme": "child_family_dfe",
            "registered_on_0": "10",
            "registered_on_1": "9",
            "registered_on_2": "2026",
            "reference": "CF-77",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("asye:funding_claim", args=[record.pk]),
        {
            "kind": "registration",
            "claimed_on_0": "11",
            "claimed_on_1": "9",
            "claimed_on_2": "2026",
            "amount": "",
        },
    )
    assert response.status_code == 302
    claim = FundingClaim.objects.get(registration__record=record)
    assert claim.amount == Decimal("1000.00")
    response = client.post(
        reverse("asye:funding_claim_paid", args=[claim.pk]),
        {"paid_on_0": "1", "paid_on_1": "10", "paid_on_2": "2026"},
    )
    assert response.status_code == 302
    summary = client.get(reverse("asye:funding_record", args=[record.pk])).content.decode()
    assert "CF-77" in summary
    assert "£1,000.00" in summary
    assert "Eligible" in summary


def test_an_invalid_claim_shows_the_error_summary(client: Client, psw: Any, rates: None, record: Any) -> None:
    services.funding_register(actor=psw, record=record, scheme="adult_sfc", registered_on=D(2026, 9, 2))
    client.force_login(psw)
    response = client.post(
        reverse("asye:funding_claim", args=[record.pk]),
        {
            "kind": "registration",
            "claimed_on_0": "3",
            "claimed_on_1": "9",
            "claimed_on_2": "2026",
            "amount": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "not confirmed: enter it" in page
    assert not FundingClaim.objects.exists()


def test_the_claims_export_escapes_formulas_and_leaves_out_the_sibling_council(
    client: Client, orgs: Orgs, psw: Any, rates: None, programme_types: None
) -> None:
    injected = AsyeRecordFactory(
        organisation=orgs.home, nqsw=member(orgs.home, Role.NQSW, full_name='=HYPERLINK("http://x")')
    )
    _registered(psw, injected)
    sentinel = AsyeRecordFactory(
        organisation=orgs.sibling, nqsw=member(orgs.sibling, Role.NQSW, full_name="Sentinel Sibling-Person")
    )
    _registered(member(orgs.sibling, Role.PSW).user, sentinel)
    client.force_login(psw)
    response: Any = client.get(reverse("asye:funding_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Employer", "NQSW name", "Email"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][10] == "SFC-9"
    assert rows[1][12] == "1000.00"
    assert "Sentinel" not in body
    listing = client.get(reverse("asye:funding")).content.decode()
    assert "Sentinel Sibling-Person" not in listing


def test_the_partnership_sees_its_councils(
    client: Client, orgs: Orgs, academy_admin: Any, psw: Any, rates: None, programme_types: None
) -> None:
    sentinel = AsyeRecordFactory(
        organisation=orgs.sibling, nqsw=member(orgs.sibling, Role.NQSW, full_name="Sibling Person")
    )
    client.force_login(academy_admin)
    assert "Sibling Person" in client.get(reverse("asye:funding")).content.decode()
    assert client.get(reverse("asye:funding_record", args=[sentinel.pk])).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_funding_list_query_count(
    client: Client,
    orgs: Orgs,
    psw: Any,
    rates: None,
    programme_types: None,
    django_assert_num_queries: Any,
    size: int,
) -> None:
    for _ in range(size):
        _registered(psw, AsyeRecordFactory(organisation=orgs.home))
    client.force_login(psw)
    # + the count for pagination, + the page of records with registration and rate joined,
    # + their claims, + the rates table
    with django_assert_num_queries(BASE_MFA + 4):
        response = client.get(reverse("asye:funding"))
    assert response.status_code == 200


def test_demo_funding_shows_each_state_and_loads_twice_unchanged(programme_types: None) -> None:
    from academy.demo import load_demo

    load_demo()
    registrations = FundingRegistration.objects.count()
    claims = FundingClaim.objects.count()
    load_demo()
    assert FundingRegistration.objects.count() == registrations > 0
    assert FundingClaim.objects.count() == claims > 0
    assert FundingClaim.objects.filter(paid_on__isnull=False).exists()
    assert FundingClaim.objects.filter(paid_on__isnull=True).exists()
    assert set(FundingRegistration.objects.values_list("reference", flat=True)) >= {"DEMO-001"}


def test_the_list_filters_by_scheme_and_not_registered(
    client: Client, orgs: Orgs, psw: Any, rates: None, programme_types: None
) -> None:
    registered = AsyeRecordFactory(
        organisation=orgs.home, nqsw=member(orgs.home, Role.NQSW, full_name="Reg Istered")
    )
    _registered(psw, registered)
    AsyeRecordFactory(organisation=orgs.home, nqsw=member(orgs.home, Role.NQSW, full_name="Una Registered"))
    client.force_login(psw)
    page = client.get(reverse("asye:funding"), {"scheme": "none"}).content.decode()
    assert "Una Registered" in page
    assert "Reg Istered" not in page
    page = client.get(reverse("asye:funding"), {"scheme": "adult_sfc"}).content.decode()
    assert "Reg Istered" in page
    assert "Una Registered" not in page
