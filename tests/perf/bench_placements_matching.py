"""How the matching screen answers with 15,000 placements in the database, and that its query
count does not grow with them.

Data: `placements.scale_seed.seed_placements_scale` (10 councils of a partnership, 300 practice
educators, 15,000 placements over five academic years, an open final-placement request to the
first council with an offer from each of its 10 teams), written inside the test's transaction
and rolled back after it.

Timed, ROUNDS times through the test client (middleware, selectors, rules, templates): the
partnership's academy admin opening the matching screen for a student, which judges every
pairing of the 10 offers with the council's 30 educators (300 pairings) and counts each
educator's placements in the academic year. The median and 90th percentile are printed.
Asserted whatever the speed: the query count at 15,000 placements equals the count for a seed
of 100, and some pairings are suitable."""

import datetime
import statistics
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import seed_totp
from placements.scale_seed import PlacementSeed, PlacementSizes, seed_placements_scale
from placements.selectors import students_waiting

pytestmark = pytest.mark.django_db
ROUNDS = 20


def _url(seed: PlacementSeed) -> str:
    student = students_waiting(university=seed.university, kind=seed.open_request.kind).first()
    assert student is not None
    return reverse("placements:match", args=[seed.open_request.pk]) + "?" + urlencode({"student": student.pk})


def _queries(client: Any, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_matching_screen_with_15000_placements(client: Any) -> None:
    today = timezone.localdate()
    started = time.perf_counter()
    small = seed_placements_scale(
        prefix="bench-pl-small",
        sizes=PlacementSizes(
            councils=2, teams_per_council=3, educators_per_council=3, placements=100, requests=10
        ),
        today=today,
    )
    big = seed_placements_scale(prefix="bench-pl", today=today)
    print(f"\nseeded 15,100 placements in {time.perf_counter() - started:.1f}s")

    seed_totp(small.admin)  # academy admins must have an authenticator
    seed_totp(big.admin)
    client.force_login(small.admin)
    small_count, _ = _queries(client, _url(small))
    client.force_login(big.admin)
    url = _url(big)
    big_count, html = _queries(client, url)
    assert big_count == small_count, f"{big_count} queries at scale, {small_count} for the small seed"
    assert "suitable pairing" in html

    timings = []
    for _ in range(ROUNDS):
        begin = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    timings.sort()
    p90 = timings[int(len(timings) * 0.9) - 1]
    print(
        f"matching screen (300 pairings, {big_count} queries): median {statistics.median(timings):.1f} ms, "
        f"p90 {p90:.1f} ms over {ROUNDS} rounds ({datetime.date.today():%Y-%m-%d})"  # noqa: DTZ011 - a label
    )
