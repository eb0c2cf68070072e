"""How the programmes catalogue answers when the academy runs 20,000 sessions with their
bookings, and that its query count does not grow with them.

Data: `seed_scale` at BENCH_SCALE (default 1), which since the programmes seeder joined it
(programmes/scale_seed.py, through academy/registry/scale.py) also writes 1,000 programmes with
20,000 sessions and their bookings. A benchmark database seeded before that gets the programmes
added into its councils once. Written committed and kept (tests/perf/README.md).

Timed, ROUNDS times each through the test client (middleware, selectors, templates): a
practitioner of the first seeded council opening the catalogue (the first page of programmes
offered to them, each with its next session and how many are still to come), the catalogue
filtered by kind, and its second page. The median and 90th percentile are printed. Asserted
whatever the speed: the catalogue's query count is the same for that practitioner as for one in
the last seeded council.
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Membership, User
from academy.roles import Role
from asye.scale_seed import Sizes, already_seeded, analyse_seeded_tables, seed_scale
from cpd.scale_seed import councils_seeded_with
from programmes.models import Programme, ProgrammeKind, Session
from programmes.scale_seed import seed_programmes_scale

pytestmark = pytest.mark.django_db
ROUNDS = 20
MAX_QUERIES = 10
BENCH_SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PREFIX = "bench-" + f"{BENCH_SCALE:g}".replace(".", "-")
SLOW_MS = 300


def _social_worker_of(organisation_id: int) -> User:
    member = (
        Membership.objects.filter(organisation_id=organisation_id, role=Role.SOCIAL_WORKER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert member is not None
    return member.user


@pytest.fixture(scope="session")
def seeded(django_db_setup: None, django_db_blocker: Any) -> tuple[User, User]:
    with django_db_blocker.unblock():
        started = time.perf_counter()
        if not already_seeded(prefix=PREFIX):
            print(f"\nSeeding the benchmark database at scale {BENCH_SCALE:g} (once; later runs reuse it)")
            seed_scale(sizes=Sizes().scaled(BENCH_SCALE), prefix=PREFIX, force=True, progress=print)
            analyse_seeded_tables()
        elif not Programme.objects.filter(title__contains=f"({PREFIX} 1)").exists():
            print(f"\nAdding programmes to the benchmark database's seed at scale {BENCH_SCALE:g} (once)")
            with transaction.atomic():
                counts = seed_programmes_scale(
                    councils=[c.organisation_id for c in councils_seeded_with(prefix=PREFIX)],
                    rng=random.Random(f"programmes:{PREFIX}"),  # noqa: S311 (invented data)
                    prefix=PREFIX,
                    factor=BENCH_SCALE,
                )
            print(counts)
            analyse_seeded_tables()
        print(f"Ready in {time.perf_counter() - started:.1f} s")
        councils = councils_seeded_with(prefix=PREFIX)
        print(
            f"\nAt scale {BENCH_SCALE:g}: {Programme.objects.count():,} programmes, "
            f"{Session.objects.count():,} sessions in the database."
        )
        # The first council (most people, so most bookings) and the last one.
        return _social_worker_of(councils[0].organisation_id), _social_worker_of(councils[-1].organisation_id)


def _queries(client: Any, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _time(label: str, request: Callable[[], Any]) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = request()
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    timings.sort()
    median = statistics.median(timings) * 1000
    p90 = timings[int(len(timings) * 0.9) - 1] * 1000
    print(f"\n{label:32} median {median:7.1f} ms  p90 {p90:7.1f} ms  {1000 / median:5.1f} req/s")
    if median > SLOW_MS:
        print(f"  slower than {SLOW_MS} ms at this scale: look at the query plan")
    return median


def test_catalogue_with_20000_sessions(client: Any, seeded: tuple[User, User]) -> None:
    url = reverse("programmes:catalogue")
    busy, quiet_one = seeded
    client.force_login(quiet_one)
    quiet = _queries(client, url)
    client.logout()
    client.force_login(busy)
    queries = _queries(client, url)
    print(f"\ncatalogue: queries {queries} (in the last seeded council: {quiet})")
    assert queries == quiet, "the query count grows with the data"
    assert queries <= MAX_QUERIES
    _time("catalogue", lambda: client.get(url))
    _time("catalogue, one kind", lambda: client.get(f"{url}?kind={ProgrammeKind.WORKSHOP}"))
    _time("catalogue, page 2", lambda: client.get(f"{url}?page=2"))
