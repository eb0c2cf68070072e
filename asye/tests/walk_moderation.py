"""The moderation pages' rows in the URL walk (called from asye/tests/walk.py). The walk's panel
belongs to the home council, with the partnership's `moderator` persona on it; a submitted
portfolio of another home NQSW is allocated to it, and the home NQSW's earlier, completed record
(agreed by the panel, passed by the employer) has its certificate."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from academy.roles import Role
from academy.testing.walk import Rule, WalkRegistry, World
from academy.tests.walk import staff_only
from asye.models import RecordStatus
from asye.moderation.models import FinalDecision, ModerationPanel, PanelAllocation, PanelDecision, PanelMember
from asye.tests.factories import AsyeRecordFactory, membership_of

RUNNERS_READ = {"psw": 200, "academy_admin": 200, "moderator": 403}
RUNNERS_POST = {"psw": 302, "academy_admin": 302, "moderator": 403}
PANEL_READERS = {"psw": 200, "academy_admin": 200, "moderator": 200}
MEMBERS_WRITE = {"psw": 403, "academy_admin": 403, "moderator": 200}
# The panel's moderator still reads the record (the panel is open) but the certificate is not theirs.
CERTIFICATE = {
    "nqsw": 200,
    "psw": 200,
    "academy_admin": 200,
    "assessor": 403,
    "manager": 403,
    "moderator": 403,
}


def _panel(world: World) -> Any:
    psw = world.persona("psw")
    panel = ModerationPanel.objects.create(
        organisation=world.orgs.home, title="Walk panel", held_on=timezone.localdate(), created_by=psw
    )
    PanelMember.objects.create(
        panel=panel,
        membership=membership_of(world.persona("moderator"), world.orgs.partnership, Role.MODERATOR),
        added_by=psw,
    )
    return panel


def _seat(world: World) -> Any:
    return PanelMember.objects.filter(panel=world["panel"]).first()


def _allocation(world: World) -> Any:
    record = AsyeRecordFactory(organisation=world.orgs.home, status=RecordStatus.SUBMITTED)
    return PanelAllocation.objects.create(
        panel=world["panel"], record=record, allocated_by=world.persona("psw")
    )


def _completed(world: World) -> Any:
    home = world.orgs.home
    record = AsyeRecordFactory(
        organisation=home,
        nqsw=membership_of(world.persona("nqsw"), home, Role.NQSW),
        assessor=membership_of(world.persona("assessor"), home, Role.ASSESSOR),
        line_manager=membership_of(world.persona("manager"), home, Role.LINE_MANAGER),
        status=RecordStatus.COMPLETED,
    )
    psw = world.persona("psw")
    allocation = PanelAllocation.objects.create(
        panel=world["panel"],
        record=record,
        allocated_by=psw,
        checklist={"agreement_signed": {"answer": "yes", "comment": ""}},
        decision=PanelDecision.AGREE,
        decided_by=psw,
        decided_at=timezone.now(),
    )
    FinalDecision.objects.create(
        record=record, allocation=allocation, outcome="pass", decided_by=psw, decided_on=timezone.localdate()
    )
    return record


def _of(name: str, obj: str) -> Any:
    return lambda world, persona: reverse(name, args=[world[obj].pk])


def _remove(world: World, persona: str) -> str:
    return reverse("asye:moderation_member_remove", args=[world["panel"].pk, world["seat"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("panel", _panel)
    walk.add_object("seat", _seat)
    walk.add_object("allocation", _allocation)
    walk.add_object("completed_record", _completed)
    walk.add_rules(
        {
            "asye:moderation_panels": Rule(lambda world, persona: reverse("asye:moderation_panels")),
            "asye:moderation_panel_create": Rule(
                lambda world, persona: reverse("asye:moderation_panel_create"),
                expect=staff_only(200, elsewhere=200),
            ),
            "asye:moderation_panel": Rule(
                _of("asye:moderation_panel", "panel"), expect=PANEL_READERS, default=404
            ),
            "asye:moderation_member_add": Rule(
                _of("asye:moderation_member_add", "panel"), expect=RUNNERS_READ, default=404
            ),
            "asye:moderation_member_remove": Rule(_remove, method="POST", expect=RUNNERS_POST, default=404),
            "asye:moderation_allocate": Rule(
                _of("asye:moderation_allocate", "panel"), expect=RUNNERS_READ, default=404
            ),
            "asye:moderation_panel_close": Rule(
                _of("asye:moderation_panel_close", "panel"), method="POST", expect=RUNNERS_POST, default=404
            ),
            "asye:moderation_allocation": Rule(
                _of("asye:moderation_allocation", "allocation"), expect=PANEL_READERS, default=404
            ),
            "asye:moderation_decide": Rule(
                _of("asye:moderation_decide", "allocation"), expect=MEMBERS_WRITE, default=404
            ),
            "asye:moderation_final": Rule(
                _of("asye:moderation_final", "allocation"), expect=RUNNERS_READ, default=404
            ),
            "asye:moderation_certificate": Rule(
                _of("asye:moderation_certificate", "completed_record"), expect=CERTIFICATE, default=404
            ),
        }
    )
