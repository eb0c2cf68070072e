"""Two identical invitations sent at the same instant (a double-click, two staff members) make
one invitation, not two. Real PostgreSQL row locks, two real connections."""

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from academy import services
from academy.models import Invitation
from academy.roles import Role
from conftest import Orgs


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicate_invitations_make_one(psw: Any, orgs: Orgs) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            services.invitation_create(
                actor=psw, organisation=orgs.home, email="twice@example.test", role=Role.NQSW
            )
            outcomes.append("created")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "refused"]
    assert Invitation.objects.filter(email="twice@example.test").count() == 1
