"""Reads of funding. Who sees it: the PSWs and academy admins acting from the record's
organisation or the partnership above it (`staff_scope_ids`), as for the staff list of records;
they may also change it, so there is no read-only case. Staff of the sibling council get 404,
every other role 403 (by role, in the views)."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from academy.scope import Scope
from academy.selectors import staff_scope_ids

from ..models import AsyeRecord
from .models import FundingClaim, FundingRate, FundingScheme

NOT_REGISTERED = "none"


def _records(scope: Scope) -> QuerySet[AsyeRecord]:
    return (
        AsyeRecord.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("nqsw__user", "organisation", "funding__rate")
        .prefetch_related(
            Prefetch("funding__claims", queryset=FundingClaim.objects.order_by("claimed_on", "kind"))
        )
    )


def funding_records(*, scope: Scope, scheme: str = "") -> QuerySet[AsyeRecord]:
    """Every record in scope with its registration and claims (3 queries for any number of
    rows: records with registration and rate, claims). `scheme` filters: a scheme's value, or
    `NOT_REGISTERED`."""
    records = _records(scope)
    if scheme == NOT_REGISTERED:
        records = records.filter(funding__isnull=True)
    elif scheme in FundingScheme.values:
        records = records.filter(funding__scheme=scheme)
    return records.order_by("nqsw__user__full_name", "start_date", "id")


def funding_claim_rows(*, scope: Scope, scheme: str = "") -> QuerySet[AsyeRecord]:
    """Registered records only, for the claims export."""
    return funding_records(scope=scope, scheme=scheme).filter(funding__isnull=False)


def funding_record_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> AsyeRecord:
    """One record's funding: 404 unless the person manages its organisation. `write` changes
    nothing (everyone who sees it may change it) but keeps the shape of the other selectors."""
    found = _records(scope).filter(pk=pk).first()
    if found is None:
        raise Http404("No such record.")
    return found


def funding_claim_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> FundingClaim:
    found = (
        FundingClaim.objects.filter(
            registration__record__organisation_id__in=staff_scope_ids(scope=scope), pk=pk
        )
        .select_related(
            "registration__record__nqsw__user", "registration__record__organisation", "registration__rate"
        )
        .first()
    )
    if found is None:
        raise Http404("No such claim.")
    return found


def funding_rates() -> QuerySet[FundingRate]:
    """The reference table (shared by every organisation)."""
    return FundingRate.objects.order_by("-starts_on", "scheme")
