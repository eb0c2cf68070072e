"""The placements scale seeder writes what the matching benchmark reads (at a small size)."""

import datetime

import pytest
from django.db.models import F

from placements.models import Placement, PracticeEducator
from placements.scale_seed import PlacementSizes, seed_placements_scale

pytestmark = pytest.mark.django_db


def test_seed_writes_placements_educators_and_an_open_request() -> None:
    sizes = PlacementSizes(
        councils=2, teams_per_council=3, educators_per_council=4, placements=60, requests=6
    )
    seed = seed_placements_scale(prefix="t", sizes=sizes, today=datetime.date(2026, 12, 1))
    assert Placement.objects.count() == 60
    assert PracticeEducator.objects.count() == 8
    assert seed.open_request.status == "open"
    assert seed.open_request.offers.count() == 3
    # Every placement's educator works where the placement is hosted.
    assert not Placement.objects.exclude(educator__organisation=F("organisation")).exists()


def test_manage_py_seed_scale_adds_the_placements() -> None:
    import io

    from django.core.management import call_command

    from academy.bulk import SEED_DOMAIN
    from academy.models import User

    out = io.StringIO()
    call_command("seed_scale", scale=0.001, placements=40, today=datetime.date(2026, 12, 1), stdout=out)
    assert "Seeding 0 placements" not in out.getvalue()
    # 40 x 0.001 rounds to none: the scale applies to the placements too.
    assert not Placement.objects.exists()
    call_command(
        "seed_scale", scale=0.01, placements=4000, prefix="more", today=datetime.date(2026, 12, 1), stdout=out
    )
    assert Placement.objects.count() == 40
    assert "Seeding 40 placements." in out.getvalue()
    # Every seeded person carries the seed's domain, so a later seed is not refused.
    assert not User.objects.exclude(email__endswith=f"@{SEED_DOMAIN}").exists()
