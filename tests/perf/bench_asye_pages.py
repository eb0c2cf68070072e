"""How the ASYE pages people open most answer at national scale, and that their query count does
not grow with the data.

Data: `seed_scale` at BENCH_SCALE (default 1: 150 councils in 15 partnerships, 4,000 NQSWs,
300,000 evidence items with about 900,000 transitions and 750,000 framework mappings). It is
written once, committed, into the kept benchmark database (tests/perf/conftest.py) and found
again on later runs by its prefix, so only the first `make bench` pays the minute of seeding.

Pages: the NQSW's home, the evidence list of the record with the most items, the queue of the
assessor with the most items waiting, and the framework map of that busiest record. For each,
the query count of the busiest subject at national scale must equal the count for the quietest
subject of a small seed (0.01 scale, written inside the test's transaction), and be at most
MAX_QUERIES. Then ROUNDS full requests through the test client (middleware, selectors,
templates) are timed; the median and the 90th percentile are printed.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Membership, User
from academy.roles import MFA_ROLES
from asye.evidence.models import WAITING, EvidenceItem
from asye.models import AsyeRecord
from asye.scale_seed import Sizes, already_seeded, analyse_seeded_tables, seed_scale
from conftest import seed_totp

pytestmark = pytest.mark.django_db
ROUNDS = 20
MAX_QUERIES = 12
BENCH_SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PREFIX = "bench-" + f"{BENCH_SCALE:g}".replace(".", "-")
SMALL = "small"
SLOW_MS = 300


@dataclass(frozen=True)
class Subjects:
    """The busiest and the quietest record and assessor of one seed."""

    record: AsyeRecord
    assessor: User
    items: int
    waiting: int


def _subjects(prefix: str, *, busiest: bool) -> Subjects:
    order = "-n" if busiest else "n"
    seeded = Q(record__organisation__slug__startswith=f"{prefix}-")
    by_record = (
        EvidenceItem.objects.filter(seeded)
        .values("record")
        .annotate(n=Count("id"))
        .order_by(order, "record")[0]
    )
    by_assessor = (
        EvidenceItem.objects.filter(seeded, status__in=[s.value for s in WAITING])
        .values("record__assessor__user")
        .annotate(n=Count("id"))
        .order_by(order, "record__assessor__user")[0]
    )
    return Subjects(
        record=AsyeRecord.objects.select_related("nqsw__user").get(pk=by_record["record"]),
        assessor=User.objects.get(pk=by_assessor["record__assessor__user"]),
        items=by_record["n"],
        waiting=by_assessor["n"],
    )


@pytest.fixture(scope="session")
def national(django_db_setup: None, django_db_blocker: Any) -> Subjects:
    with django_db_blocker.unblock():
        if not already_seeded(prefix=PREFIX):
            print(f"\nSeeding the benchmark database at scale {BENCH_SCALE:g} (once; later runs reuse it)")
            started = time.perf_counter()
            seed_scale(sizes=Sizes().scaled(BENCH_SCALE), prefix=PREFIX, force=True, progress=print)
            analyse_seeded_tables()
            print(f"Seeded in {time.perf_counter() - started:.1f} s")
        subjects = _subjects(PREFIX, busiest=True)
        print(
            f"\nAt scale {BENCH_SCALE:g}: {EvidenceItem.objects.count():,} evidence items in the database; "
            f"the busiest record has {subjects.items} items, the busiest assessor {subjects.waiting} waiting."
        )
        return subjects


Page = Callable[[Subjects], tuple[User, str]]

PAGES: dict[str, Page] = {
    "NQSW home": lambda s: (s.record.nqsw.user, reverse("academy:home")),
    "evidence list": lambda s: (s.record.nqsw.user, reverse("asye:evidence_list", args=[s.record.pk])),
    "assessor queue": lambda s: (s.assessor, reverse("asye:evidence_queue")),
    "framework map": lambda s: (s.record.nqsw.user, reverse("asye:framework_map", args=[s.record.pk])),
}


def _steady_queries(client: Any, user: User, url: str) -> int:
    """Queries of a request after a first one has filled the per-person caches."""
    if Membership.objects.filter(user=user, role__in=MFA_ROLES).exists():
        seed_totp(user)  # an assessor without two-factor authentication is sent to set it up
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", list(PAGES))
def test_asye_page_at_national_scale(client: Any, national: Subjects, page: str) -> None:
    seed_scale(sizes=Sizes().scaled(0.01), prefix=SMALL, force=True)
    small_user, small_url = PAGES[page](_subjects(SMALL, busiest=False))
    small_queries = _steady_queries(client, small_user, small_url)
    client.logout()
    user, url = PAGES[page](national)
    queries = _steady_queries(client, user, url)

    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    timings.sort()
    median = statistics.median(timings) * 1000
    p90 = timings[int(len(timings) * 0.9) - 1] * 1000
    print(
        f"\n{page:15} median {median:6.1f} ms  p90 {p90:6.1f} ms  {1000 / median:5.1f} req/s  "
        f"queries {queries} (small seed {small_queries})"
    )
    assert queries == small_queries, "the query count grows with the data"
    assert queries <= MAX_QUERIES
    if median > SLOW_MS:
        print(f"  slower than {SLOW_MS} ms at this scale: look for a missing index or an unbounded query")
