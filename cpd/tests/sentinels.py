"""Sentinel records for the isolation checks of pages that read a year of the person's CPD."""

import datetime
from typing import Any

from academy.models import User
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck, Planted
from cpd.tests.factories import CpdRecordFactory, person_in


def plant_records_in_year(
    check: IsolationCheck, viewer: User, orgs: Any, *, in_year: datetime.date = datetime.date(2026, 3, 2)
) -> Planted:
    """Records dated `in_year`, titled with their markers: someone else's in an unrelated
    council, in the sibling council and in the viewer's own council; the viewer's own as the
    control."""
    return check.plant(
        lambda organisation, marker: CpdRecordFactory(
            person=person_in(organisation), title=marker, occurred_on=in_year
        ),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: CpdRecordFactory(
                person=person_in(orgs.home), title=marker, occurred_on=in_year
            ),
        },
        shown={
            "the viewer's own record": lambda marker: CpdRecordFactory(
                person=viewer, title=marker, occurred_on=in_year
            )
        },
    )
