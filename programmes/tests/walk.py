"""The programmes' rows in the URL walk (academy.testing.walk). The walk's programme belongs to
the home council: its people and the partnership's see it; the sibling council, the university,
the council outside the partnership and someone whose employment has ended are told it does not
exist (404). Staff whose roles reach the home council (its PSW, the partnership's academy admin)
change it; other readers get 403. A booking is its person's (the home NQSW); approvals are the
line manager's, for people in their team. The catalogue, "My bookings" and the calendar page
answer 200 to everyone signed in; the private feed answers its token, signed in or not."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from academy.models import Membership
from academy.roles import STAFF_ROLES, Role
from academy.testing.walk import Persona, Rule, WalkRegistry, World
from academy.tests.factories import MembershipFactory
from programmes.models import BookingStatus, Pathway, PathwayStep
from programmes.services import calendar_feed_mint
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

REACHES_HOME = frozenset({"home", "partnership"})
OWNER = "nqsw"


def reader(ok: int) -> Any:
    return lambda persona: ok if persona.organisation in REACHES_HOME else 404


def manager_of_home(ok: int) -> Any:
    def expect(persona: Persona) -> int:
        if persona.organisation not in REACHES_HOME:
            return 404
        return ok if persona.role in STAFF_ROLES else 403

    return expect


def staff_anywhere(persona: Persona) -> int:
    return 200 if persona.role in STAFF_ROLES else 403


def _programme(world: World) -> Any:
    return ProgrammeFactory(organisation=world.orgs.home, title="Walk programme")


def _session(world: World) -> Any:
    return SessionFactory(programme=world["prog_programme"])


def _booking(world: World) -> Any:
    return BookingFactory(
        session=world["prog_session"], person=world.persona(OWNER), organisation=world.orgs.home
    )


def _awaiting(world: World) -> Any:
    """A booking from someone in the home line manager's team, waiting for their approval."""
    team = Membership.objects.get(user=world.persona("manager"), role=Role.LINE_MANAGER).team
    colleague = MembershipFactory(organisation=world.orgs.home, role=Role.SOCIAL_WORKER, team=team).user
    return BookingFactory(
        session=world["prog_session"],
        person=colleague,
        organisation=world.orgs.home,
        status=BookingStatus.AWAITING_APPROVAL,
    )


def _started(world: World) -> Any:
    """A session under way, facilitated by the home council's practice educator."""
    facilitator = Membership.objects.get(user=world.persona("practice_educator"))
    start = timezone.now() - datetime.timedelta(minutes=30)
    return SessionFactory(
        programme=world["prog_programme"],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        facilitator=facilitator,
    )


def _attended(world: World) -> Any:
    return BookingFactory(
        session=world["prog_started"],
        person=world.persona(OWNER),
        organisation=world.orgs.home,
        attendance="attended",
        attendance_marked_at=timezone.now(),
    )


def _pathway(world: World) -> Any:
    return Pathway.objects.create(organisation=world.orgs.home, name="Walk pathway")


def _step(world: World) -> Any:
    return PathwayStep.objects.create(pathway=world["prog_pathway"], title="Walk step")


def _bulletin(world: World) -> Any:
    from programmes.news.services import bulletin_publish

    return bulletin_publish(
        actor=world.persona("psw"),
        organisation=world.orgs.home,
        title="Walk bulletin",
        body="News for the walk.",
        audience_organisations=[world.orgs.home],
    )


def bulletin_expect(persona: Persona) -> int:
    """The walk's bulletin is for everyone working in the home council; the partnership's staff
    see it too (they manage its writer). Anyone else: 404."""
    if persona.organisation == "home":
        return 200
    if persona.organisation == "partnership" and persona.role in STAFF_ROLES:
        return 200
    return 404


def staff_post(persona: Persona) -> int:
    return 302 if persona.role in STAFF_ROLES else 403


def register_expect(persona: Persona) -> int:
    if persona.name == "practice_educator":
        return 200
    return manager_of_home(200)(persona)


def _feed(world: World) -> str:
    return reverse("programmes:calendar_feed", args=[calendar_feed_mint(actor=world.persona(OWNER)).token])


def _of(name: str, obj: str) -> Any:
    return lambda world, persona: reverse(name, args=[world[obj].pk])


def _named(name: str) -> Any:
    return lambda world, persona: reverse(name)


def register(walk: WalkRegistry) -> None:
    walk.add_object("prog_programme", _programme)
    walk.add_object("prog_session", _session)
    walk.add_object("prog_booking", _booking)
    walk.add_object("prog_awaiting", _awaiting)
    walk.add_object("prog_feed", _feed)
    walk.add_object("prog_started", _started)
    walk.add_object("prog_attended", _attended)
    walk.add_object("prog_pathway", _pathway)
    walk.add_object("prog_step", _step)
    walk.add_object("prog_bulletin", _bulletin)
    manager_only = {"manager": 302}
    walk.add_rules(
        {
            "programmes:catalogue": Rule(_named("programmes:catalogue")),
            "programmes:programme_create": Rule(_named("programmes:programme_create"), expect=staff_anywhere),
            "programmes:programme": Rule(_of("programmes:programme", "prog_programme"), expect=reader(200)),
            "programmes:programme_edit": Rule(
                _of("programmes:programme_edit", "prog_programme"), expect=manager_of_home(200)
            ),
            "programmes:session_create": Rule(
                _of("programmes:session_create", "prog_programme"), expect=manager_of_home(200)
            ),
            "programmes:session": Rule(_of("programmes:session", "prog_session"), expect=reader(200)),
            "programmes:session_cancel": Rule(
                _of("programmes:session_cancel", "prog_session"), expect=manager_of_home(200)
            ),
            "programmes:session_book": Rule(
                _of("programmes:session_book", "prog_session"), method="POST", expect=reader(302)
            ),
            "programmes:session_ics": Rule(_of("programmes:session_ics", "prog_session"), expect=reader(200)),
            "programmes:my_bookings": Rule(_named("programmes:my_bookings")),
            "programmes:booking_cancel": Rule(
                _of("programmes:booking_cancel", "prog_booking"),
                method="POST",
                expect={OWNER: 302},
                default=404,
            ),
            "programmes:offer_accept": Rule(
                _of("programmes:offer_accept", "prog_booking"),
                method="POST",
                expect={OWNER: 302},
                default=404,
            ),
            "programmes:approvals": Rule(
                _named("programmes:approvals"), expect={"manager": 200}, default=403
            ),
            "programmes:booking_approve": Rule(
                _of("programmes:booking_approve", "prog_awaiting"),
                method="POST",
                expect=manager_only,
                default=404,
            ),
            "programmes:booking_decline": Rule(
                _of("programmes:booking_decline", "prog_awaiting"), expect={"manager": 200}, default=404
            ),
            "programmes:register": Rule(_of("programmes:register", "prog_started"), expect=register_expect),
            "programmes:facilitating": Rule(_named("programmes:facilitating")),
            "programmes:report": Rule(_named("programmes:report"), expect=staff_anywhere),
            "programmes:report_csv": Rule(_named("programmes:report_csv"), expect=staff_anywhere),
            "programmes:feedback": Rule(
                _of("programmes:feedback", "prog_attended"), expect={OWNER: 200}, default=404
            ),
            "programmes:certificate": Rule(
                _of("programmes:certificate", "prog_attended"), expect={OWNER: 200}, default=404
            ),
            "programmes:calendar": Rule(_named("programmes:calendar")),
            "programmes:calendar_mint": Rule(_named("programmes:calendar_mint"), method="POST", default=200),
            "programmes:calendar_revoke": Rule(
                _named("programmes:calendar_revoke"), method="POST", default=302
            ),
            "programmes:pathways": Rule(_named("programmes:pathways")),
            "programmes:pathway_create": Rule(_named("programmes:pathway_create"), expect=staff_anywhere),
            "programmes:pathway_add_standard": Rule(
                _named("programmes:pathway_add_standard"), method="POST", expect=staff_post
            ),
            "programmes:pathway": Rule(_of("programmes:pathway", "prog_pathway"), expect=reader(200)),
            "programmes:pathway_edit": Rule(
                _of("programmes:pathway_edit", "prog_pathway"), expect=manager_of_home(200)
            ),
            "programmes:pathway_position": Rule(
                _of("programmes:pathway_position", "prog_pathway"), method="POST", expect=reader(302)
            ),
            "programmes:pathway_step_create": Rule(
                _of("programmes:pathway_step_create", "prog_pathway"), expect=manager_of_home(200)
            ),
            "programmes:pathway_step_edit": Rule(
                _of("programmes:pathway_step_edit", "prog_step"), expect=manager_of_home(200)
            ),
            "programmes:news": Rule(_named("programmes:news")),
            "programmes:bulletin_create": Rule(_named("programmes:bulletin_create"), expect=staff_anywhere),
            "programmes:news_sent": Rule(_named("programmes:news_sent"), expect=staff_anywhere),
            "programmes:bulletin": Rule(_of("programmes:bulletin", "prog_bulletin"), expect=bulletin_expect),
            "programmes:calendar_feed": Rule(lambda w, p: w["prog_feed"], anonymous=200),
        }
    )
