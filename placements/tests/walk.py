"""The placements app's rows in the URL walk (academy.testing.walk). The walk's register entry
belongs to the home council's practice educator: academy staff whose roles reach the home
council read and change it, the educator reads it (403 to change it), and everyone else is told
it does not exist (404)."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from academy.roles import STAFF_ROLES, Role
from academy.testing.walk import Persona, Rule, WalkRegistry, World
from academy.tests.walk import REACHES_HOME, staff_only
from placements.models import EducatorStage
from placements.tests.factories import (
    PlacementDayFactory,
    PlacementDocumentFactory,
    PlacementFactory,
    PlacementOfferFactory,
    PlacementRequestFactory,
    PracticeEducatorFactory,
)

EDUCATOR = "practice_educator"


def _entry(world: World) -> Any:
    user = world.persona(EDUCATOR)
    membership = user.memberships.select_related("organisation").get()
    return PracticeEducatorFactory(
        user=user, organisation=membership.organisation, stage=EducatorStage.STAGE_2
    )


def _of(name: str, obj: str) -> Any:
    return lambda world, persona: reverse(name, args=[world[obj].pk])


def _of_entry(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["educator_entry"].pk])


def _staff_reaching_home(ok: int, *, educator: int, otherwise: int = 404) -> Any:
    def expect(persona: Persona) -> int:
        if persona.name == EDUCATOR:
            return educator
        if persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME:
            return ok
        return otherwise

    return expect


def _my_entry(persona: Persona) -> int:
    # The educator is sent on to their entry; everyone else sees the empty page.
    return 302 if persona.name == EDUCATOR else 200


def _my_entry_path(world: World, persona: str) -> str:
    world["educator_entry"]  # the entry exists before anyone looks for their own
    return reverse("placements:my_entry")


def _request(world: World) -> Any:
    """A request from the test university (the tutor's) to the home council."""
    tutor = world.persona("tutor")
    university = tutor.memberships.get().organisation
    home = world.persona(EDUCATOR).memberships.get().organisation
    return PlacementRequestFactory(
        partnership__university=university, partnership__partner=home, requested_by=tutor
    )


def _request_page(persona: Persona) -> int:
    if persona.role == Role.TUTOR:
        return 200
    return 200 if persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME else 404


def _offer(persona: Persona) -> int:
    # Staff of the partner offer places and match students (an empty offer form comes back
    # with its errors); the tutor may read the request but not do either.
    if persona.role == Role.TUTOR:
        return 403
    return 200 if persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME else 404


def _staff_or_tutor(persona: Persona) -> int:
    return 200 if persona.role in STAFF_ROLES or persona.role == Role.TUTOR else 403


def _offer_obj(world: World) -> Any:
    """Places offered by the educator's own team against the walk's request."""
    team = world["educator_entry"].user.memberships.get().team
    return PlacementOfferFactory(request=world["placement_request"], team=team, places=3)


def _placement(world: World) -> Any:
    return PlacementFactory(
        offer=world["placement_offer"],
        educator=world["educator_entry"],
        student=world.persona("student"),
        tutor=world.persona("tutor"),
    )


def _confirm_path(world: World, persona: str) -> str:
    query = urlencode(
        {
            "offer": world["placement_offer"].pk,
            "educator": world["educator_entry"].pk,
            "student": world.persona("student").pk,
        }
    )
    return reverse("placements:match_confirm", args=[world["placement_request"].pk]) + "?" + query


def _placement_page(persona: Persona) -> int:
    if persona.name in {"student", "tutor", EDUCATOR}:
        return 200
    return 200 if persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME else 404


def _day(world: World) -> Any:
    placement = world["placement"]
    return PlacementDayFactory(placement=placement, day=placement.starts_on, recorded_by=placement.student)


def _sees_placement(persona: Persona) -> bool:
    return persona.name in {"student", "tutor", EDUCATOR} or (
        persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME
    )


def _only(*names: str, ok: int) -> Any:
    """`ok` for the named personas; 403 for others who can see the placement; 404 for the rest."""

    def expect(persona: Persona) -> int:
        if persona.name in names:
            return ok
        return 403 if _sees_placement(persona) else 404

    return expect


def _extend(persona: Persona) -> int:
    if persona.name == EDUCATOR or (persona.role in STAFF_ROLES and persona.organisation in REACHES_HOME):
        return 200
    return 403 if _sees_placement(persona) else 404


def _document(world: World) -> Any:
    placement = world["placement"]
    return PlacementDocumentFactory(placement=placement, written_by=placement.educator.user)


def _of_document(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["placement"].pk, world["placement_document"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("placement_document", _document)
    walk.add_object("placement_day", _day)
    walk.add_object("placement_offer", _offer_obj)
    walk.add_object("placement", _placement)
    walk.add_object("educator_entry", _entry)
    walk.add_object("placement_request", _request)
    walk.add_rules(
        {
            "placements:register": Rule(
                lambda w, p: reverse("placements:register"), expect=staff_only(200, elsewhere=200)
            ),
            "placements:educator_add": Rule(
                lambda w, p: reverse("placements:educator_add"), expect=staff_only(200, elsewhere=200)
            ),
            "placements:my_entry": Rule(_my_entry_path, expect=_my_entry),
            "placements:educator": Rule(
                _of_entry("placements:educator"), expect=_staff_reaching_home(200, educator=200)
            ),
            "placements:educator_edit": Rule(
                _of_entry("placements:educator_edit"), expect=_staff_reaching_home(200, educator=403)
            ),
            "placements:partners": Rule(
                lambda w, p: reverse("placements:partners"), expect=staff_only(200, elsewhere=200)
            ),
            "placements:requests": Rule(lambda w, p: reverse("placements:requests"), expect=_staff_or_tutor),
            "placements:request_add": Rule(
                lambda w, p: reverse("placements:request_add"), expect={"tutor": 200}, default=403
            ),
            "placements:request": Rule(_of("placements:request", "placement_request"), expect=_request_page),
            "placements:match": Rule(_of("placements:match", "placement_request"), expect=_offer),
            "placements:match_confirm": Rule(_confirm_path, expect=_offer),
            "placements:placements": Rule(lambda w, p: reverse("placements:placements")),
            "placements:placement": Rule(_of("placements:placement", "placement"), expect=_placement_page),
            "placements:day_add": Rule(
                _of("placements:day_add", "placement"), expect=_only("student", ok=200)
            ),
            "placements:days_confirm_all": Rule(
                _of("placements:days_confirm_all", "placement"), method="POST", expect=_only(EDUCATOR, ok=302)
            ),
            "placements:day_confirm": Rule(
                lambda w, p: reverse(
                    "placements:day_confirm", args=[w["placement"].pk, w["placement_day"].pk]
                ),
                method="POST",
                expect=_only(EDUCATOR, ok=302),
            ),
            "placements:extension_add": Rule(_of("placements:extension_add", "placement"), expect=_extend),
            "placements:document_add": Rule(
                lambda w, p: reverse("placements:document_add", args=[w["placement"].pk, "midway_review"]),
                expect=_only(EDUCATOR, ok=200),
            ),
            "placements:document": Rule(_of_document("placements:document"), expect=_placement_page),
            "placements:document_edit": Rule(
                _of_document("placements:document_edit"), expect=_only(EDUCATOR, ok=200)
            ),
            # The student, the tutor and the educator sign (a second attempt redirects with a
            # message); academy staff who read the placement sign nothing.
            "placements:document_sign": Rule(
                _of_document("placements:document_sign"),
                method="POST",
                expect=_only("student", "tutor", EDUCATOR, ok=302),
            ),
            "placements:figures": Rule(
                lambda w, p: reverse("placements:figures"), expect=staff_only(200, elsewhere=200)
            ),
            "placements:figures_csv": Rule(
                lambda w, p: reverse("placements:figures_csv"), expect=staff_only(200, elsewhere=200)
            ),
            "placements:offer_add": Rule(
                _of("placements:offer_add", "placement_request"), method="POST", expect=_offer
            ),
        }
    )
