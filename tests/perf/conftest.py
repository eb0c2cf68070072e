"""Benchmarks run against their own test database, `test_<name>_bench`, which `make bench` keeps
between runs (`--reuse-db`): the national-scale seed of bench_asye_pages.py is written once and
read by every later run. Every benchmark still runs inside a transaction that is rolled back, so
what one builds never reaches the next."""

import pytest

BENCH_SUFFIX = "bench"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    from django.conf import settings

    for db_settings in settings.DATABASES.values():
        if db_settings["ENGINE"] == "django.db.backends.sqlite3":
            continue
        test_name = db_settings.get("TEST", {}).get("NAME") or f"test_{db_settings['NAME']}"
        db_settings.setdefault("TEST", {})["NAME"] = f"{test_name}_{BENCH_SUFFIX}"
