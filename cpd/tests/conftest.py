import pytest


@pytest.fixture(autouse=True)
def registration_years(db: None) -> None:
    """The registration years. The data migration loads them, but `transactional_db` tests
    truncate every table, so every CPD test reloads them (the loader is idempotent)."""
    from cpd.year_loader import load_registration_years

    load_registration_years()
