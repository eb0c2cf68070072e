"""How fast the core's staff pages answer for a regional academy of realistic size.

Builds a partnership with 10 member councils, 3,000 people (one membership each), 600 pending
invitations and 3,000 audit entries, then times full requests (middleware, selectors,
template rendering) to the pages an academy admin uses most. Counts a request from the test
client's call to the rendered response; prints the median, the slowest and requests per second.
"""

import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEntry, Invitation, Membership, Organisation, User
from academy.roles import Role
from conftest import Orgs

pytestmark = pytest.mark.django_db
ROUNDS = 20


@pytest.fixture
def big_academy(orgs: Orgs, personas: dict[str, Any]) -> Orgs:
    councils = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Council {n}", slug=f"bench-{n}", parent=orgs.partnership) for n in range(10)
    )
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.test", full_name=f"Bench Person {n}", password="!") for n in range(3000)
    )
    roles = [Role.NQSW, Role.SOCIAL_WORKER, Role.LINE_MANAGER, Role.ASSESSOR]
    memberships = Membership.objects.bulk_create(
        Membership(user=u, organisation=councils[n % 10], role=roles[n % 4]) for n, u in enumerate(users)
    )
    expires = timezone.now() + timedelta(days=14)
    Invitation.objects.bulk_create(
        Invitation(
            email=f"invitee{n}@example.test",
            organisation=councils[n % 10],
            role=Role.NQSW,
            token_hash=uuid.uuid4().hex * 2,
            expires_at=expires,
        )
        for n in range(600)
    )
    membership_type = ContentType.objects.get_for_model(Membership)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=personas["academy_admin"],
            verb="membership.change_role",
            content_type=membership_type,
            object_id=str(m.pk),
            object_repr=str(m.pk),
            organisation_id=m.organisation_id,
        )
        for m in memberships
    )
    return orgs


@pytest.mark.parametrize(
    "url_name", ["academy:home", "academy:people", "academy:invitations", "academy:audit_log"]
)
def test_staff_page_speed(client: Any, big_academy: Orgs, academy_admin: Any, url_name: str) -> None:
    client.force_login(academy_admin)
    url = reverse(url_name)
    client.get(url)  # warm the template cache
    timings, queries = [], set()
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        queries.add(len(captured))
    median = statistics.median(timings)
    print(
        f"\n{url:24} median {median * 1000:6.1f} ms  slowest {max(timings) * 1000:6.1f} ms  "
        f"{1 / median:6.1f} req/s  queries {sorted(queries)}"
    )
    assert len(queries) == 1, "the query count must not depend on the round"
