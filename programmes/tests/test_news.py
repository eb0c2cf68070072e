"""Academy news: a bulletin reaches the people of its organisations, narrowed by role and by
their team's service area; it shows on their home page and goes in their daily digest (through
the core's digest sections, even on a day with no reminder); staff write it, audited; an
audience outside the writer's reach is refused; the news page costs the same at any size."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import AuditEntry, Team
from academy.outbox.services import outbox_sweep
from academy.reminders.services import reminder_preferences_set, reminders_digest_send
from academy.roles import Role
from academy.tests.factories import MembershipFactory, TeamFactory
from programmes.models import Bulletin, ServiceArea
from programmes.news.selectors import bulletins_for
from programmes.news.services import bulletin_publish

pytestmark = pytest.mark.django_db


def _publish(orgs: Any, psw: Any, title: str, **audience: Any) -> Bulletin:
    return bulletin_publish(
        actor=psw,
        organisation=orgs.home,
        title=title,
        body="Details inside.",
        audience_organisations=audience.pop("organisations", [orgs.home]),
        **audience,
    )


def test_a_bulletin_reaches_its_audience_only(orgs: Any, psw: Any, outsider: Any) -> None:
    adults = TeamFactory(organisation=orgs.home, service_area=Team.ServiceArea.ADULTS)
    children = TeamFactory(organisation=orgs.home, service_area=Team.ServiceArea.CHILDREN_FAMILIES)
    adult_nqsw = MembershipFactory(organisation=orgs.home, role=Role.NQSW, team=adults).user
    child_sw = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER, team=children).user
    teamless_nqsw = MembershipFactory(organisation=orgs.home, role=Role.NQSW).user
    sibling_nqsw = MembershipFactory(organisation=orgs.sibling, role=Role.NQSW).user
    everyone = _publish(orgs, psw, "For everyone at home")
    nqsws = _publish(orgs, psw, "For NQSWs", audience_roles=[Role.NQSW])
    adult = _publish(orgs, psw, "For adult services", service_area=ServiceArea.ADULTS)

    def titles(user: Any) -> set[str]:
        return {b.title for b in bulletins_for(user=user)}

    assert titles(adult_nqsw) == {everyone.title, nqsws.title, adult.title}
    assert titles(child_sw) == {everyone.title}
    assert titles(teamless_nqsw) == {everyone.title, nqsws.title}  # no team: not for a service area
    assert titles(sibling_nqsw) == set()
    assert titles(outsider) == set()
    with pytest.raises(ValidationError):
        _publish(orgs, psw, "Too far", organisations=[orgs.other])


def test_news_shows_on_the_home_page_and_its_own_page(
    client: Any, orgs: Any, psw: Any, nqsw: Any, outsider: Any
) -> None:
    bulletin = _publish(orgs, psw, "New reflective groups this spring")
    client.force_login(nqsw)
    home = client.get(reverse("academy:home")).content.decode()
    assert "Academy news" in home
    assert reverse("programmes:bulletin", args=[bulletin.pk]) in home
    page = client.get(reverse("programmes:bulletin", args=[bulletin.pk])).content.decode()
    assert "Details inside." in page
    client.force_login(outsider)
    assert client.get(reverse("programmes:bulletin", args=[bulletin.pk])).status_code == 404


def test_staff_write_a_bulletin(client: Any, orgs: Any, psw: Any, nqsw: Any) -> None:
    client.force_login(psw)
    url = reverse("programmes:bulletin_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": orgs.home.pk, "title": "", "service_area": "any"})
    assert "<title>Error: " in response.content.decode()
    response = client.post(
        url,
        {
            "organisation": orgs.home.pk,
            "title": "Court skills day",
            "body": "Book now.",
            "audience_organisations": [orgs.home.pk],
            "audience_roles": [Role.SOCIAL_WORKER],
            "service_area": "any",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("programmes:news_sent")
    assert "Court skills day" in client.get(response.url).content.decode()
    assert AuditEntry.objects.filter(verb="bulletin.publish").count() == 1
    # A second click on Publish sends the same bulletin again: it is published once.
    again = client.post(
        url,
        {
            "organisation": orgs.home.pk,
            "title": "Court skills day",
            "body": "Book now.",
            "audience_organisations": [orgs.home.pk],
            "audience_roles": [Role.SOCIAL_WORKER],
            "service_area": "any",
        },
    )
    assert again.status_code == 302
    assert Bulletin.objects.filter(title="Court skills day").count() == 1
    assert AuditEntry.objects.filter(verb="bulletin.publish").count() == 1
    client.force_login(nqsw)
    assert client.get(url).status_code == 403
    assert "Court skills day" not in client.get(reverse("programmes:news")).content.decode()


def test_new_bulletins_go_in_the_daily_digest_even_without_reminders(orgs: Any, psw: Any, nqsw: Any) -> None:
    with time_machine.travel(datetime.datetime(2027, 5, 3, 12, tzinfo=datetime.UTC), tick=False):
        reminder_preferences_set(
            user=nqsw, email_kinds=[], all_kinds=[], digest=True, digest_time=datetime.time(8, 0)
        )
        _publish(orgs, psw, "Summer conference announced")
    mail.outbox.clear()
    with time_machine.travel(datetime.datetime(2027, 5, 4, 7, 0, tzinfo=datetime.UTC), tick=False):
        assert reminders_digest_send().emails == 1
        outbox_sweep()
    (email,) = [m for m in mail.outbox if m.to == [nqsw.email]]
    assert "Summer conference announced" in email.body
    assert email.subject.endswith("Your daily digest")
    # The next day: nothing new, no email.
    with time_machine.travel(datetime.datetime(2027, 5, 5, 7, 0, tzinfo=datetime.UTC), tick=False):
        assert reminders_digest_send().emails == 0


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_news_page_costs_the_same_at_any_size(client: Any, orgs: Any, psw: Any, nqsw: Any) -> None:
    for i in range(3):
        _publish(orgs, psw, f"Bulletin {i}")
    client.force_login(nqsw)
    client.get(reverse("programmes:news"))
    client.get(reverse("academy:home"))
    few = _count(client, reverse("programmes:news"))
    home = _count(client, reverse("academy:home"))
    for i in range(12):
        _publish(orgs, psw, f"More {i}", audience_roles=[Role.NQSW])
    assert _count(client, reverse("programmes:news")) == few
    assert _count(client, reverse("academy:home")) == home
