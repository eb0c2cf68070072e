from typing import Any

import pytest


@pytest.fixture
def programme_types(frameworks: None) -> None:
    """Programme type reference data. The data migration loads it, but `transactional_db` tests
    truncate every table, so tests ask for this (the loader is idempotent)."""
    from asye.programme_loader import load_programme_types

    load_programme_types()


@pytest.fixture
def home_record(orgs: Any, personas: dict[str, Any], programme_types: None) -> Any:
    """A record in the home council of the `nqsw` persona, assessed by `assessor` and managed by
    `manager`, starting on 1 September 2026 (the factory's default)."""
    from academy.roles import Role
    from asye.tests.factories import AsyeRecordFactory, membership_of

    home = orgs.home
    return AsyeRecordFactory(
        organisation=home,
        nqsw=membership_of(personas["nqsw"], home, Role.NQSW),
        assessor=membership_of(personas["assessor"], home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], home, Role.LINE_MANAGER),
    )
