"""Writing many rows fast, for seeding benchmark databases (never for the portal's own writes,
which go through services with `full_clean()` and audit).

`bulk_insert` takes plain tuples in the order of `fields` (attribute names, `record_id` for a
foreign key) and writes them with PostgreSQL's COPY when the database is PostgreSQL, otherwise
with `bulk_create` in chunks. Nothing is validated, no signal is sent and no default is filled
in: the caller gives every column that has no database default, `created_at` and `updated_at`
included."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

CHUNK = 5000

# Every seeded account's email ends with this domain (`.invalid` is reserved: nothing is ever
# delivered there), so seeders can tell seeded people from real ones.
SEED_DOMAIN = "seed.invalid"


def _copy_value(value: Any) -> Any:
    # COPY's text format takes JSON columns as their text; everything else psycopg adapts.
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, use_copy: bool = True
) -> int:
    """Insert `rows` into `model`'s table; returns how many were written."""
    if use_copy and connection.vendor == "postgresql":
        return _copy(model, fields, rows)
    written = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= CHUNK:
            written += len(model._default_manager.bulk_create(batch))
            batch = []
    if batch:
        written += len(model._default_manager.bulk_create(batch))
    return written


def _column(model: type[models.Model], name: str) -> str:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field) or not found.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return found.column


def _copy(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_copy_value(value) for value in row])
            written += 1
    return written


def bulk_insert_people(
    *,
    users: Iterable[Sequence[Any]],
    memberships: Iterable[Sequence[Any]],
    password: str,
    now: Any,
    use_copy: bool = True,
) -> int:
    """Seeded people and their roles: `users` as (id, email, full name), all sharing `password`
    (a hash), active and without admin access; `memberships` as (id, user id, organisation id,
    role, team id or None), active. Returns how many people were written."""
    from .models import Membership, User

    written = bulk_insert(
        User,
        [
            "id",
            "email",
            "full_name",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "created_at",
            "updated_at",
        ],
        ((*row, password, True, False, False, now, now) for row in users),
        use_copy=use_copy,
    )
    bulk_insert(
        Membership,
        ["id", "user_id", "organisation_id", "role", "team_id", "is_active", "created_at", "updated_at"],
        ((*row, True, now, now) for row in memberships),
        use_copy=use_copy,
    )
    return written
