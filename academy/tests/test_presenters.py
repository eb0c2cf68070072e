from typing import Any

import pytest

from academy import services
from academy.models import AuditEntry, Membership
from academy.presenters import audit_row
from academy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_role_change_reads_as_words(psw: Any, nqsw: Any) -> None:
    services.membership_change_role(
        actor=psw, membership=Membership.objects.get(user=nqsw), role=Role.SOCIAL_WORKER
    )
    row = audit_row(AuditEntry.objects.get(verb="membership.change_role"))
    assert row.what == "Role changed"
    assert row.change == "role: Newly qualified social worker → Social worker"
    assert " at " in row.when


def test_an_unknown_verb_shows_as_stored(psw: Any, nqsw: Any) -> None:
    from academy.audit import audit_log

    entry = audit_log(
        actor=psw, verb="portfolio.sign_off", obj=nqsw, organisation=None, after={"is_final": True}
    )
    row = audit_row(entry)
    assert row.what == "portfolio.sign_off"
    assert row.change == "is final: yes"
