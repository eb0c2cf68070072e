"""Demo placements data, so the register shows every currency state after `make demo`:

- Jo Whitlow (the demo practice educator, Saltmarsh, off site): stage 2, current.
- Tom Ashdown (social worker, Brackenmoor): stage 1, currency lapsing within the warning window.
- Martin Feld (assessor, Brackenmoor): stage 2, currency lapsed.
- Grace Okafor-Lind (line manager, Brackenmoor): trainee.

Dates are set from today, so the states hold whenever the demo is loaded. Running the loader
again changes nothing: an entry is made only when the person has none in that organisation."""

import datetime

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, User

from . import rules, services
from .models import EducatorRole, EducatorStage, PracticeEducator, PracticeSetting


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
