import pytest


@pytest.fixture
def programme_types(frameworks: None) -> None:
    """Programme type reference data. The data migration loads it, but `transactional_db` tests
    truncate every table, so tests ask for this (the loader is idempotent)."""
    from asye.programme_loader import load_programme_types

    load_programme_types()
