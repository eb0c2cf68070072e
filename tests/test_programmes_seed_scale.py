"""The programmes join `seed_scale` through the core's scale-seeder registry: a tiny national
seed holds programmes, their sessions and bookings that keep the booking rules (no session
over capacity, at most one live booking per person, registers only on past sessions)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from asye.programme_loader import load_programme_types
from cpd.year_loader import load_registration_years
from programmes.models import HOLDING, Booking, BookingStatus, Programme, Session

pytestmark = pytest.mark.django_db


def test_seed_scale_adds_sessions_with_bookings(frameworks: None) -> None:
    # Reference data an earlier transactional test may have emptied.
    load_programme_types()
    load_registration_years()
    out = io.StringIO()
    call_command("seed_scale", scale=0.005, seed=3, today=datetime.date(2026, 12, 1), stdout=out)
    assert "sessions: 100" in out.getvalue()
    assert Session.objects.count() == 100  # 20,000 x 0.005
    assert Programme.objects.count() == 5
    assert Booking.objects.count() > 100
    over = Session.objects.annotate(n=Count("bookings", filter=Q(bookings__status__in=HOLDING))).filter(
        n__gt=16
    )
    assert not over.exists()
    assert Booking.objects.filter(status=BookingStatus.WAITLISTED).exists()
    assert not Booking.objects.exclude(attendance="").filter(session__starts_at__gt=timezone.now()).exists()
    assert Booking.objects.values("session", "person").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
