"""Funding rates as data, loaded from `data/rates.json` by one idempotent loader: called by the
data migration and by tests, safe to run again. An entry missing from the table is created; one
already there (same scheme and start date) is never changed, because registrations keep the
rate they were made under — a correction is a new entry. Nothing is deleted. Works with the real
models (`apps=None`) and with a migration's historical models."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "rates.json"


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@transaction.atomic
def load_funding_rates(*, apps: Any = None, path: Path = DATA_FILE) -> int:
    """Create the rates that are missing; return how many were created."""
    model = (apps or global_apps).get_model("asye", "FundingRate")
    created = 0
    for entry in json.loads(path.read_text(encoding="utf-8"))["rates"]:
        _rate, was_created = model.objects.get_or_create(
            scheme=entry["scheme"],
            starts_on=datetime.date.fromisoformat(entry["starts_on"]),
            defaults={
                "year_label": entry["year_label"],
                "ends_on": datetime.date.fromisoformat(entry["ends_on"]),
                "registration_amount": _amount(entry["registration_amount"]),
                "completion_amount": _amount(entry["completion_amount"]),
                "max_years_since_qualified": entry["max_years_since_qualified"],
                "source_title": entry.get("source_title", ""),
                "notes": entry.get("notes", ""),
            },
        )
        created += int(was_created)
    return created
