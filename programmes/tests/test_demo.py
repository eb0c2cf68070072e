"""The programmes demo: three programmes with sessions to come, one workshop session full with
someone waiting, a booking waiting for its line manager; loading twice changes nothing; the
screens show them."""

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from academy.demo import DEMO_DOMAIN, load_core_demo
from academy.models import User
from programmes.demo import load_programmes_demo
from programmes.models import Booking, BookingStatus, Pathway, PathwayStep, Programme, Session

pytestmark = pytest.mark.django_db


def load() -> None:
    """The core's demo academy, then this app's loader (the whole demo is tested in academy's
    tests; other apps' loaders need reference data of their own)."""
    load_core_demo()
    load_programmes_demo()


def test_demo_programmes(frameworks: None) -> None:
    load()
    counts = (Programme.objects.count(), Session.objects.count(), Booking.objects.count())
    load()
    assert (
        (Programme.objects.count(), Session.objects.count(), Booking.objects.count()) == counts == (3, 6, 4)
    )
    waiting = Booking.objects.get(status=BookingStatus.WAITLISTED)
    assert waiting.person.email == f"nqsw@{DEMO_DOMAIN}"
    assert (
        Booking.objects.filter(session=waiting.session, status=BookingStatus.BOOKED).count()
        == waiting.session.capacity
    )
    assert (
        Booking.objects.get(status=BookingStatus.AWAITING_APPROVAL).person.email
        == f"social-worker@{DEMO_DOMAIN}"
    )

    client: Any = Client()
    client.force_login(User.objects.get(email=f"nqsw@{DEMO_DOMAIN}"))
    html = client.get(reverse("programmes:catalogue")).content.decode()
    assert "Bite-size: writing defensible case notes" in html
    assert "Reflective practice group for NQSWs" in html
    assert "On the waiting list" in client.get(reverse("programmes:my_bookings")).content.decode()
    pathway = Pathway.objects.get()
    assert PathwayStep.objects.get(pathway=pathway, title="Best Interests Assessor").programmes.count() == 1
    html = client.get(reverse("programmes:pathway", args=[pathway.pk])).content.decode()
    assert "You are at <strong>Newly qualified social worker</strong>" in html
    assert "Spring reflective practice groups" in client.get(reverse("academy:home")).content.decode()
    client.force_login(User.objects.get(email=f"line-manager@{DEMO_DOMAIN}"))
    assert "Tom Ashdown" in client.get(reverse("programmes:approvals")).content.decode()
    # Someone outside the partnership sees none of it.
    client.force_login(User.objects.get(email=f"outsider@{DEMO_DOMAIN}"))
    with override_settings(MFA_REQUIRED_FOR_STAFF=False):
        html = client.get(reverse("programmes:catalogue")).content.decode()
    assert "Add the first programme" in html
    assert not any(title in html for title in Programme.objects.values_list("title", flat=True))
