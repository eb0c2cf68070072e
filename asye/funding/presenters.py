"""Words, cells and CSV rows of the funding pages. Templates only loop over what these return."""

from decimal import Decimal

from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date

from ..models import AsyeRecord
from .models import ClaimKind, FundingClaim, FundingRate, FundingRegistration
from .rules import Eligibility, eligibility

ELIGIBILITY_TAGS = {
    Eligibility.ELIGIBLE: Tag("Eligible", "green"),
    Eligibility.NOT_ELIGIBLE: Tag("Not eligible", "red"),
    Eligibility.UNKNOWN: Tag("Date qualified missing", "yellow"),
}


def money(value: Decimal | None) -> str:
    return "Not confirmed" if value is None else f"£{value:,.2f}"


def registration_of(record: AsyeRecord) -> FundingRegistration | None:
    try:
        return record.funding  # type: ignore[no-any-return]
    except FundingRegistration.DoesNotExist:
        return None


def eligibility_of(record: AsyeRecord, registration: FundingRegistration) -> Eligibility:
    return eligibility(
        max_years=registration.rate.max_years_since_qualified,
        date_qualified=record.date_qualified,
        start_date=record.start_date,
    )


def _claim(registration: FundingRegistration, kind: str) -> FundingClaim | None:
    return next((c for c in registration.claims.all() if c.kind == kind), None)


def claim_words(claim: FundingClaim | None) -> Cell:
    if claim is None:
        return Cell("Not claimed", small=True)
    paid = f"paid {format_date(claim.paid_on)}" if claim.paid_on else "not paid yet"
    return Cell(money(claim.amount), hint=f"Claimed {format_date(claim.claimed_on)}, {paid}")


FUNDING_HEAD = ["NQSW", "Council", "Scheme", "Eligibility", "Registration claim", "Completion claim"]


def funding_row(record: AsyeRecord) -> list[object]:
    name = Cell(record.nqsw.user.display_name, href=reverse("asye:funding_record", args=[record.pk]))
    registration = registration_of(record)
    if registration is None:
        return [
            name,
            record.organisation.name,
            Cell("Not registered", tag=Tag("Not registered", "grey")),
            "",
            "",
            "",
        ]
    return [
        name,
        record.organisation.name,
        Cell(
            registration.get_scheme_display(),
            hint=f"{registration.rate.year_label}; registered {format_date(registration.registered_on)}",
        ),
        Cell(tag=ELIGIBILITY_TAGS[eligibility_of(record, registration)]),
        claim_words(_claim(registration, ClaimKind.REGISTRATION)),
        claim_words(_claim(registration, ClaimKind.COMPLETION)),
    ]


def registration_summary(record: AsyeRecord) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": "NQSW", "value": record.nqsw.user.display_name},
        {"key": "Council", "value": record.organisation.name},
        {"key": "Service area", "value": record.get_service_area_display()},
        {"key": "Started", "value": format_date(record.start_date)},
        {"key": "Date qualified", "value": format_date(record.date_qualified)},
    ]
    registration = registration_of(record)
    if registration is None:
        rows.append({"key": "Registration", "value": "Not registered for funding yet"})
        return rows
    rate = registration.rate
    rule = (
        f"Starts within {rate.max_years_since_qualified} years of qualifying"
        if rate.max_years_since_qualified is not None
        else "No rule on the date qualified"
    )
    rows += [
        {"key": "Scheme", "value": registration.get_scheme_display()},
        {"key": "Funding year", "value": rate.year_label},
        {"key": "Registered on", "value": format_date(registration.registered_on)},
        {"key": "Reference", "value": registration.reference or "None recorded"},
        {
            "key": "Eligibility",
            "value": Cell(rule, tag=ELIGIBILITY_TAGS[eligibility_of(record, registration)]),
        },
    ]
    return rows


CLAIMS_HEAD = ["Claim", "Amount", "Claimed on", "Paid on"]


def claim_row(claim: FundingClaim) -> list[object]:
    paid: object = (
        format_date(claim.paid_on)
        if claim.paid_on
        else Cell(
            "Not paid yet",
            href=reverse("asye:funding_claim_paid", args=[claim.pk]),
            hint="Record the payment",
        )
    )
    return [
        claim.get_kind_display(),
        Cell(money(claim.amount), numeric=True),
        format_date(claim.claimed_on),
        paid,
    ]


RATES_HEAD = ["Scheme", "Funding year", "At registration", "At completion", "Eligibility rule", "Source"]


def rate_row(rate: FundingRate) -> list[object]:
    rule = (
        f"Starts within {rate.max_years_since_qualified} years of qualifying"
        if rate.max_years_since_qualified is not None
        else "None"
    )
    return [
        rate.get_scheme_display(),
        Cell(rate.year_label, hint=f"{format_date(rate.starts_on)} to {format_date(rate.ends_on)}"),
        money(rate.registration_amount),
        money(rate.completion_amount),
        rule,
        Cell(rate.source_title, hint=rate.notes, small=True),
    ]


# --- The claims export ------------------------------------------------------------------------------

# Spreadsheet programs run a cell that starts with one of these as a formula: such a cell is
# written with a leading apostrophe, so it reaches the spreadsheet as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_HEAD = [
    "Employer",
    "NQSW name",
    "Email",
    "Social Work England number",
    "Date qualified",
    "Start date",
    "FTE",
    "Scheme",
    "Funding year",
    "Registered on",
    "Reference",
    "Eligible",
    "Registration amount",
    "Registration claimed on",
    "Registration paid on",
    "Completion amount",
    "Completion claimed on",
    "Completion paid on",
]


def _iso(value: object) -> str:
    return value.isoformat() if value is not None else ""  # type: ignore[attr-defined]


def csv_row(record: AsyeRecord) -> list[str]:
    registration = registration_of(record)
    if registration is None:
        raise ValueError("The claims export lists registered records only.")
    cells: list[object] = [
        record.organisation.name,
        record.nqsw.user.full_name,
        record.nqsw.user.email,
        record.swe_number,
        _iso(record.date_qualified),
        _iso(record.start_date),
        record.fte,
        registration.get_scheme_display(),
        registration.rate.year_label,
        _iso(registration.registered_on),
        registration.reference,
        {Eligibility.ELIGIBLE: "Yes", Eligibility.NOT_ELIGIBLE: "No", Eligibility.UNKNOWN: "Unknown"}[
            eligibility_of(record, registration)
        ],
    ]
    for kind in (ClaimKind.REGISTRATION, ClaimKind.COMPLETION):
        claim = _claim(registration, kind)
        cells += [claim.amount, _iso(claim.claimed_on), _iso(claim.paid_on)] if claim else ["", "", ""]
    return [csv_text(cell) for cell in cells]
