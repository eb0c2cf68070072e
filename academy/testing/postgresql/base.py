"""PostgreSQL for the test suite: Django's own backend, emptying tables faster after a
transactional test.

pytest-django empties the database after every `transactional_db` test (browser journeys,
real-worker and concurrency tests) with Django's `flush`, which TRUNCATEs every table. On
PostgreSQL a TRUNCATE gives each table and index a new file, so emptying all of them costs
seconds per test on a busy machine although a test fills only a few tables. Here `flush` finds
the tables that hold rows (one query) and DELETEs from those alone: the same empty database, in
a fraction of the time. Foreign keys are deferred until the flush commits, and every table that
holds a row is emptied, so the order of the DELETEs does not matter. Anything else (resetting
sequences, cascading) takes Django's TRUNCATE. Test settings only: academy/settings/test.py."""

from collections.abc import Sequence
from typing import Any

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Sequence[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names come from Django's introspection of our own models, never from input.
        probe = " UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {self.quote_name(table)})"  # noqa: S608
            for table in tables
        )
        with self.connection.cursor() as cursor:
            cursor.execute(probe, list(tables))
            filled = [row[0] for row in cursor.fetchall()]
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in filled]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
