from typing import Any

import pytest


@pytest.fixture
def programme_types(frameworks: None) -> None:
    """Programme type reference data. The data migration loads it, but `transactional_db` tests
    truncate every table, so tests ask for this (the loader is idempotent)."""
    from asye.programme_loader import load_programme_types

    load_programme_types()


@pytest.fixture
def record(orgs: Any, personas: dict[str, Any], programme_types: None) -> Any:
    """The home council's NQSW persona's record, assessed by `assessor`, managed by `manager`
    (test modules with a record of another shape define their own)."""
    from academy.roles import Role
    from asye.tests.factories import AsyeRecordFactory, membership_of

    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )
