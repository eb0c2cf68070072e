"""The demo reviews: one foundational review signed by all three, one with concerns and an
action plan, one waiting for signatures, reached by the demo assessor's list; loading twice
changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from academy.demo import load_demo
from academy.models import User
from asye.reviews import rules
from asye.reviews.models import Review, ReviewSignature

pytestmark = pytest.mark.django_db


def test_demo_reviews(client: Client, programme_types: None) -> None:
    load_demo()
    counts = (Review.objects.count(), ReviewSignature.objects.count())
    load_demo()
    assert (Review.objects.count(), ReviewSignature.objects.count()) == counts
    reviews = list(Review.objects.select_related("record__nqsw__user").prefetch_related("signatures"))
    signed = [r for r in reviews if r.completed_at is not None]
    waiting = [r for r in reviews if r.completed_at is None and r.signatures.all()]
    concerns = [r for r in reviews if rules.has_concerns(r.judgements)]
    assert any(
        r.key == "foundational" and r.record.nqsw.user.email == "nqsw@demo.academy.test" for r in signed
    )
    assert len(waiting) == 1
    assert len(concerns) == 1
    assert concerns[0].action_plan
    assert concerns[0].completed_at is not None
    # Its NQSW has signed; the page says who is still to sign.
    client.force_login(User.objects.get(pk=waiting[0].record.nqsw.user_id))
    response = client.get(reverse("asye:review", args=[waiting[0].record.pk, waiting[0].key]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Waiting for signatures" in html
    assert html.count("Not signed") == 2
