"""How the employer's CPD compliance view answers for a council of 3,000 practitioners, and that
its query count (and the person's own year view's) does not grow with the data.

Data: `seed_scale` at BENCH_SCALE (default 1), which since the CPD seeder joined it also writes
100,000 practitioners with 500,000 CPD records, the first council holding 3,000 of them. A
benchmark database seeded before that (by bench_asye_pages.py) gets the CPD part added into its
councils once. Written committed and kept (tests/perf/README.md).

Timed, ROUNDS times each through the test client (middleware, selectors, templates): the PSW of
that council opening the compliance page (counts by status and the first page of 25 people),
the same page filtered to those met and to those not started, a name search, and the CSV of
all 3,000. The median and 90th percentile are printed. Asserted whatever the speed: the page's
query count for 3,000 people equals its count for the smallest council, and the person's year
view (`cpd:tracker`) costs the same queries for the practitioner with most records as for one
with fewest.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import Membership, User
from academy.roles import MFA_ROLES, Role
from asye.scale_seed import SEED_DOMAIN, Sizes, already_seeded, analyse_seeded_tables, seed_scale
from conftest import seed_totp
from cpd.models import CpdRecord
from cpd.scale_seed import councils_seeded_with, cpd_already_seeded, seed_cpd_scale

pytestmark = pytest.mark.django_db
ROUNDS = 20
MAX_QUERIES = 12
BENCH_SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PREFIX = "bench-" + f"{BENCH_SCALE:g}".replace(".", "-")
SLOW_MS = 300


@dataclass(frozen=True)
class Subjects:
    psw: User  # of the largest council
    quiet_psw: User  # of the smallest council
    practitioners: int
    busiest: User  # the practitioner with most records
    quietest: User


def _psw_of(organisation_id: int) -> User:
    return Membership.objects.select_related("user").get(organisation_id=organisation_id, role=Role.PSW).user


def _subjects() -> Subjects:
    councils = councils_seeded_with(prefix=PREFIX)
    sizes = dict(
        Membership.objects.filter(
            organisation_id__in=[c.organisation_id for c in councils], role=Role.SOCIAL_WORKER
        )
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    largest = max(sizes, key=lambda pk: sizes[pk])
    smallest = min(sizes, key=lambda pk: sizes[pk])
    seeded = CpdRecord.objects.filter(person__email__startswith=f"{PREFIX}-practitioner-")
    by_person = seeded.values("person").annotate(n=Count("pk"))
    return Subjects(
        psw=_psw_of(largest),
        quiet_psw=_psw_of(smallest),
        practitioners=sizes[largest],
        busiest=User.objects.get(pk=by_person.order_by("-n", "person")[0]["person"]),
        quietest=User.objects.get(pk=by_person.order_by("n", "person")[0]["person"]),
    )


@pytest.fixture(scope="session")
def national(django_db_setup: None, django_db_blocker: Any) -> Subjects:
    import random

    with django_db_blocker.unblock():
        started = time.perf_counter()
        if not already_seeded(prefix=PREFIX):
            print(f"\nSeeding the benchmark database at scale {BENCH_SCALE:g} (once; later runs reuse it)")
            seed_scale(sizes=Sizes().scaled(BENCH_SCALE), prefix=PREFIX, force=True, progress=print)
            analyse_seeded_tables()
        elif not cpd_already_seeded(prefix=PREFIX):
            print(f"\nAdding CPD to the benchmark database's seed at scale {BENCH_SCALE:g} (once)")
            with transaction.atomic():
                seed_cpd_scale(
                    sizes=Sizes().scaled(BENCH_SCALE).cpd,
                    councils=councils_seeded_with(prefix=PREFIX),
                    rng=random.Random(f"cpd:{PREFIX}"),  # noqa: S311 (invented data)
                    prefix=PREFIX,
                    password=User.objects.filter(email__endswith=f"@{SEED_DOMAIN}").values_list(
                        "password", flat=True
                    )[0],
                    progress=lambda name, count: print(f"{name}: {count:,}"),
                )
            analyse_seeded_tables()
        print(f"Ready in {time.perf_counter() - started:.1f} s")
        subjects = _subjects()
        print(
            f"\nAt scale {BENCH_SCALE:g}: {CpdRecord.objects.count():,} CPD records in the database; "
            f"the largest council has {subjects.practitioners:,} practitioners."
        )
        return subjects


def _steady_queries(client: Any, user: User, url: str) -> int:
    """Queries of a request after a first one has filled the per-person caches."""
    if Membership.objects.filter(user=user, role__in=MFA_ROLES).exists():
        seed_totp(user)
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _time(label: str, request: Callable[[], Any], *, rows: int = 0) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = request()
        if hasattr(response, "streaming_content"):
            body = b"".join(response.streaming_content)
            assert body.count(b"\n") >= rows
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    timings.sort()
    median = statistics.median(timings) * 1000
    p90 = timings[int(len(timings) * 0.9) - 1] * 1000
    print(f"\n{label:32} median {median:7.1f} ms  p90 {p90:7.1f} ms  {1000 / median:5.1f} req/s")
    if median > SLOW_MS:
        print(f"  slower than {SLOW_MS} ms at this scale: look at the query plan")
    return median


def test_compliance_view_for_a_council_of_3000(client: Any, national: Subjects) -> None:
    url = reverse("cpd:compliance")
    quiet_queries = _steady_queries(client, national.quiet_psw, url)
    client.logout()
    queries = _steady_queries(client, national.psw, url)
    print(
        f"\ncompliance page: {national.practitioners:,} practitioners, queries {queries} "
        f"(smallest council {quiet_queries})"
    )
    assert queries == quiet_queries, "the query count grows with the data"
    assert queries <= MAX_QUERIES

    _time("compliance page", lambda: client.get(url))
    # Statuses on offer all year (at risk only from the renewal window).
    _time("compliance page, met", lambda: client.get(url + "?status=met"))
    _time("compliance page, not started", lambda: client.get(url + "?status=not_started"))
    _time("compliance page, name search", lambda: client.get(url + "?q=practitioner-12"))
    _time(
        f"compliance CSV, {national.practitioners:,} rows",
        lambda: client.get(reverse("cpd:compliance_csv")),
        rows=national.practitioners,
    )


def test_year_view_query_count_does_not_grow(client: Any, national: Subjects) -> None:
    url = reverse("cpd:tracker")
    quiet = _steady_queries(client, national.quietest, url)
    client.logout()
    busy = _steady_queries(client, national.busiest, url)
    print(f"\nyear view: queries {busy} for the busiest practitioner ({quiet} for the quietest)")
    assert busy == quiet
    assert busy <= MAX_QUERIES
    _time("year view (busiest practitioner)", lambda: client.get(url))
