"""Professional frameworks (PCF, KSS, SWE standards, PEPS, …) as versioned data.

One idempotent loader reads `academy/framework_data/*.json` (one file per framework) and upserts:

- `Framework` by `slug`;
- `FrameworkVersion` by (framework, version `slug`);
- `FrameworkElement` by (version, `code`), with `parent` taken from the nesting (`children`) and
  `position` from file order (depth-first, numbered within the version so that ordering a version's
  elements by position reads like the source document).

File format::

    {
      "slug": "pcf", "name": "…", "short_name": "PCF", "publisher": "…", "description": "…",
      "versions": [
        {"slug": "2018", "label": "2018 refresh", "status": "current" | "superseded" | "to_be_checked",
         "published_on": "YYYY-MM-DD" | null, "in_force_from": …, "in_force_until": …,
         "source_title": "…", "source_url": "…", "source_checked_on": "YYYY-MM-DD" | null, "notes": "…",
         "elements": [{"code": "1", "title": "…", "title_confirmed": true, "description": "…",
                       "children": [{"code": "1.1", …}]}]}
      ]
    }

An extra file may name an existing framework by `slug` alone and carry only a new version: that is
how a new version is added as data, without a code change (`load_framework_file`, or
`manage.py load_frameworks extra.json`).

Rules that keep the loader safe to run again (by the data migration, the command or a test):

- It never deletes anything and never touches versions or elements that are not in the data:
  academy admins add versions and elements of their own.
- Data fills and corrects but never erases: an empty value in the data (a blank title, no URL, no
  date) leaves what the database holds. A title an admin has confirmed is not replaced by a seeded
  title that is still unconfirmed, and a version's status only moves forward (to be checked ->
  current -> superseded): one an admin has checked or superseded keeps its status and notes.
- Rows are saved only when something changed, so a second run reports nothing updated.

It works with the real models (`apps=None`) and with a migration's historical models
(`apps.get_model`), so it imports no models itself and only sets fields the model has.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "framework_data"

TO_BE_CHECKED = "to_be_checked"
# A version moves forward only: to be checked -> current -> superseded.
_STATUS_RANK = {TO_BE_CHECKED: 0, "current": 1, "superseded": 2}
FRAMEWORK_FIELDS = ("name", "short_name", "publisher", "description")
VERSION_FIELDS = (
    "label",
    "status",
    "published_on",
    "in_force_from",
    "in_force_until",
    "source_title",
    "source_url",
    "source_checked_on",
    "notes",
)
DATE_FIELDS = ("published_on", "in_force_from", "in_force_until", "source_checked_on")
COUNT_KEYS = tuple(
    f"{kind}_{action}"
    for kind in ("frameworks", "versions", "elements")
    for action in ("created", "updated", "unchanged")
)


class FrameworkDataError(ValueError):
    """The data file is not in the expected shape."""


def default_data_paths() -> list[Path]:
    """The framework files shipped with the portal, in a stable order."""
    return sorted(DATA_DIR.glob("*.json"))


def load_frameworks(*, apps: Any = None, paths: Iterable[str | Path] | None = None) -> dict[str, int]:
    """Load the given framework files (default: all shipped ones) and return counts of created,
    updated and unchanged frameworks, versions and elements."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    paths = default_data_paths() if paths is None else [Path(p) for p in paths]
    with transaction.atomic():
        for path in paths:
            _add(counts, load_framework_file(path, apps=apps))
    return counts


def load_framework_file(path: str | Path, *, apps: Any = None) -> dict[str, int]:
    """Load one framework file, e.g. an extra file that adds a new version of a framework."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FrameworkDataError(f"{path}: not valid JSON ({exc})") from exc
    try:
        return load_framework_data(data, apps=apps)
    except FrameworkDataError as exc:
        raise FrameworkDataError(f"{path}: {exc}") from exc


def load_framework_data(data: Mapping[str, Any], *, apps: Any = None) -> dict[str, int]:
    """Upsert one framework and its versions from already-parsed data."""
    apps = global_apps if apps is None else apps
    models = _Models(apps)
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if not isinstance(data, Mapping) or not data.get("slug"):
        raise FrameworkDataError("a framework needs a 'slug'")
    with transaction.atomic():
        framework = _upsert_framework(models, data, counts)
        for version_data in _list(data, "versions"):
            version = _upsert_version(models, framework, version_data, counts)
            _upsert_elements(models, version, _list(version_data, "elements"), counts)
    return counts


class _Models:
    def __init__(self, apps: Any) -> None:
        self.Framework = apps.get_model("academy", "Framework")
        self.Version = apps.get_model("academy", "FrameworkVersion")
        self.Element = apps.get_model("academy", "FrameworkElement")
        self.statuses = {value for value, _label in self.Version._meta.get_field("status").choices}

    @staticmethod
    def has_field(model: Any, name: str) -> bool:
        return any(field.name == name for field in model._meta.get_fields())


def _upsert_framework(models: _Models, data: Mapping[str, Any], counts: dict[str, int]) -> Any:
    framework = models.Framework.objects.filter(slug=data["slug"]).first()
    created = framework is None
    if created:
        missing = [name for name in ("name", "short_name", "publisher") if not data.get(name)]
        if missing:
            raise FrameworkDataError(f"new framework {data['slug']!r} needs {', '.join(missing)}")
        framework = models.Framework(slug=data["slug"])
    changed = _fill(models, framework, {name: data.get(name) for name in FRAMEWORK_FIELDS})
    _save(framework, created=created, changed=changed, counts=counts, kind="frameworks")
    return framework


def _upsert_version(models: _Models, framework: Any, data: Mapping[str, Any], counts: dict[str, int]) -> Any:
    slug = data.get("slug")
    if not slug:
        raise FrameworkDataError(f"a version of {framework.slug!r} has no 'slug'")
    values = {name: data.get(name) for name in VERSION_FIELDS}
    for name in DATE_FIELDS:
        values[name] = _date(values[name], f"{framework.slug} {slug} {name}")
    status = values["status"] or TO_BE_CHECKED
    if status not in models.statuses:
        raise FrameworkDataError(f"{framework.slug} {slug}: unknown status {status!r}")
    values["status"] = status

    version = models.Version.objects.filter(framework=framework, slug=slug).first()
    created = version is None
    if created:
        if not data.get("label") or not data.get("source_title"):
            raise FrameworkDataError(f"new version {framework.slug} {slug} needs a label and a source_title")
        version = models.Version(framework=framework, slug=slug)
    elif _STATUS_RANK.get(version.status, 0) > _STATUS_RANK.get(status, 0):
        # The portal is ahead of the data (an admin checked the version, or superseded it when
        # publishing a newer one): keep their status and the notes that go with it.
        del values["status"], values["notes"]
    changed = _fill(models, version, values)
    _save(version, created=created, changed=changed, counts=counts, kind="versions")
    return version


def _upsert_elements(
    models: _Models, version: Any, elements: Sequence[Mapping[str, Any]], counts: dict[str, int]
) -> None:
    existing = {element.code: element for element in models.Element.objects.filter(version=version)}
    seen: set[str] = set()
    position = 0
    where = f"{version.framework.slug} {version.slug}"

    def walk(items: Sequence[Mapping[str, Any]], parent: Any) -> None:
        nonlocal position
        for data in items:
            code = str(data.get("code") or "").strip()
            if not code:
                raise FrameworkDataError(f"{where}: an element has no 'code'")
            if code in seen:
                raise FrameworkDataError(f"{where}: code {code!r} appears twice")
            seen.add(code)
            element = existing.get(code)
            created = element is None
            if element is None:
                element = models.Element(version=version, code=code)
            confirmed = bool(data.get("title_confirmed", False))
            values: dict[str, Any] = {"description": data.get("description")}
            if not (element.title_confirmed and element.title and not confirmed):
                # A title confirmed in the portal is never replaced by a seeded unconfirmed one.
                values["title"] = data.get("title")
                if data.get("title") or not element.title:
                    values["title_confirmed"] = confirmed
            changed = _fill(models, element, values)
            changed |= _set(element, "position", position)
            changed |= _set(element, "parent_id", parent.pk if parent is not None else None)
            position += 1
            _save(element, created=created, changed=changed, counts=counts, kind="elements")
            walk(_list(data, "children"), element)

    walk(elements, None)


def _fill(models: _Models, obj: Any, values: Mapping[str, Any]) -> bool:
    """Set each field the model has to its value from the data; empty values (None, "") leave the
    row's value alone. Returns whether anything changed."""
    changed = False
    for name, value in values.items():
        if not models.has_field(type(obj), name):
            continue  # a field this (historical) model does not have yet
        if value is None or value == "":
            continue
        changed |= _set(obj, name, value)
    return changed


def _set(obj: Any, name: str, value: Any) -> bool:
    if getattr(obj, name) == value:
        return False
    setattr(obj, name, value)
    return True


def _save(obj: Any, *, created: bool, changed: bool, counts: dict[str, int], kind: str) -> None:
    if created or changed:
        obj.full_clean()
        obj.save()
    counts[f"{kind}_{'created' if created else 'updated' if changed else 'unchanged'}"] += 1


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise FrameworkDataError(f"{key!r} must be a list of objects")
    return value


def _date(value: Any, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise FrameworkDataError(f"{where}: {value!r} is not a YYYY-MM-DD date") from exc


def _add(total: dict[str, int], part: Mapping[str, int]) -> None:
    for key, value in part.items():
        total[key] += value
