"""Registration years as data, loaded by one idempotent loader from
`cpd/year_data/registration_years.json`: called by the data migration, by the tests' fixture
and safe to run again.

A year is created when its label is missing; an existing year keeps its dates and requirement
(records were counted against them) and only gains notes it did not have. A correction to a
year's rule is made in the admin by someone who knows why, not by rerunning the loader. Works
with the real models (`apps=None`) and with a migration's historical models."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "year_data" / "registration_years.json"


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


@transaction.atomic
def load_registration_years(*, apps: Any = None, path: Path = DATA_FILE) -> int:
    """Create the years that are missing; the number created."""
    model = (apps or global_apps).get_model("cpd", "RegistrationYear")
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for item in data["years"]:
        year = model.objects.filter(label=item["label"]).first()
        if year is None:
            model.objects.create(
                label=item["label"],
                slug=item["slug"],
                starts_on=_date(item["starts_on"]),
                ends_on=_date(item["ends_on"]),
                required_records=item["required_records"],
                required_peer_reflected=item["required_peer_reflected"],
                renewal_window_opens_on=_date(item["renewal_window_opens_on"]),
                notes=item.get("notes", ""),
            )
            created += 1
        elif not year.notes and item.get("notes"):
            year.notes = item["notes"]
            year.save(update_fields=["notes", "updated_at"])
    return created
