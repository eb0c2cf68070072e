"""Programme types (adult ASYE, child and family ASYE, the child and family early career
programme) as versioned data, loaded by one idempotent loader from `asye/programme_data/`:
called by the data migration, by the `programme_types` test fixture and safe to run again.

One file per programme type::

    {"slug": "adult-asye", "name": "…", "service_area": "adults", "description": "…",
     "versions": [{"slug": "2026", "label": "…", "in_force_from": "YYYY-MM-DD" | null,
                   "length_months": 12, "review_points": [...], "evidence_minimums": {...},
                   "supervision_cadence": [...], "forms": {...},
                   "frameworks": [["pcf", "2018"], ...], "source_title": "…",
                   "source_url": "…", "notes": "…"}]}

Files whose name starts with `_` are shared parts: `_forms.json` holds the prompts and guidance
of every form, which a version's own `forms` may override form by form.

Rules: a programme type is created if missing (its name and description are filled when
empty); a version is created if missing and never changed afterwards, because records started
on it must keep its rules — a correction is a new version. Nothing is deleted. Works with the
real models (`apps=None`) and with a migration's historical models.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "programme_data"


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def shared_forms() -> dict[str, Any]:
    data: dict[str, Any] = _read(DATA_DIR / "_forms.json")
    return data


def programme_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(p for p in data_dir.glob("*.json") if not p.name.startswith("_"))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_programme_types(*, apps: Any = None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create what is missing; return how many types and versions were created."""
    from .programme_rules import validate_version_data

    registry = apps or global_apps
    programme_type_model = registry.get_model("asye", "ProgrammeType")
    version_model = registry.get_model("asye", "ProgrammeTypeVersion")
    framework_version_model = registry.get_model("academy", "FrameworkVersion")
    forms = _read(data_dir / "_forms.json") if (data_dir / "_forms.json").exists() else {}
    created = {"types": 0, "versions": 0}
    for path in programme_files(data_dir):
        data = _read(path)
        programme_type, made = programme_type_model.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "service_area": data["service_area"],
                "description": data.get("description", ""),
            },
        )
        created["types"] += int(made)
        for version in data["versions"]:
            if version_model.objects.filter(programme_type=programme_type, slug=version["slug"]).exists():
                continue
            validate_version_data(
                length_months=version["length_months"],
                review_points=version["review_points"],
                evidence_minimums=version["evidence_minimums"],
                supervision_cadence=version["supervision_cadence"],
            )
            row = version_model.objects.create(
                programme_type=programme_type,
                slug=version["slug"],
                label=version["label"],
                in_force_from=_date(version.get("in_force_from")),
                length_months=version["length_months"],
                review_points=version["review_points"],
                evidence_minimums=version["evidence_minimums"],
                supervision_cadence=version["supervision_cadence"],
                forms={**forms, **version.get("forms", {})},
                source_title=version.get("source_title", ""),
                source_url=version.get("source_url", ""),
                notes=version.get("notes", ""),
            )
            wanted = version.get("frameworks", [])
            found = [
                framework_version_model.objects.filter(framework__slug=fw, slug=slug).first()
                for fw, slug in wanted
            ]
            row.frameworks.set([f for f in found if f is not None])
            created["versions"] += 1
    return created


def add_missing_forms(*, apps: Any = None, names: tuple[str, ...], data_dir: Path = DATA_DIR) -> int:
    """Give versions loaded before the forms `names` existed the shared (or their own file's)
    definition of each. Only a form a version lacks entirely is added: one it holds is never
    touched, so a record keeps the wording it started with. Returns how many versions changed;
    running it again changes nothing."""
    registry = apps or global_apps
    version_model = registry.get_model("asye", "ProgrammeTypeVersion")
    own: dict[tuple[str, str], dict[str, Any]] = {}
    for path in programme_files(data_dir):
        data = _read(path)
        for version in data["versions"]:
            own[(data["slug"], version["slug"])] = version.get("forms", {})
    shared = _read(data_dir / "_forms.json") if (data_dir / "_forms.json").exists() else {}
    changed = 0
    for version in version_model.objects.select_related("programme_type"):
        wanted = {**shared, **own.get((version.programme_type.slug, version.slug), {})}
        forms = dict(version.forms or {})
        missing = {name: wanted[name] for name in names if name not in forms and name in wanted}
        if missing:
            version.forms = {**forms, **missing}
            version.save(update_fields=["forms"])
            changed += 1
    return changed
