"""Demo moderation: an open panel of Brackenmoor with the partnership's moderator and an external
moderator from Eastholm (`external-moderator@demo.academy.test`), one portfolio awaiting it;
and a closed panel that agreed a portfolio the employer then passed, so that record is completed,
locked and has its certificate. Invented names only. Idempotent: runs once per demo database."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role
from asye import services as record_services
from asye.dates import add_months
from asye.demo import COUNCIL, _user
from asye.models import AsyeRecord, ProgrammeType, RecordStatus

from . import services
from .checklist import EXTERNAL_QUESTIONS, ITEMS
from .models import ModerationPanel, Outcome, PanelDecision

EXTERNAL_EMAIL = f"external-moderator@{DEMO_DOMAIN}"
AWAITING_EMAIL = f"nqsw-awaiting-panel@{DEMO_DOMAIN}"
COMPLETED_EMAIL = f"nqsw-completed@{DEMO_DOMAIN}"
OPEN_PANEL = "ASYE moderation panel (demo, open)"
CLOSED_PANEL = "ASYE moderation panel (demo, last term)"


def _membership(user: User, organisation: Organisation, role: str, started: datetime.date) -> Membership:
    found, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"started_on": started}
    )
    return found


def _record(email: str, name: str, swe: str, months_ago: int, council: Organisation) -> AsyeRecord:
    psw = User.objects.get(email=f"psw@{DEMO_DOMAIN}")
    assessor = Membership.objects.get(
        user__email=f"assessor@{DEMO_DOMAIN}", organisation=council, role=Role.ASSESSOR
    )
    manager = Membership.objects.get(
        user__email=f"line-manager@{DEMO_DOMAIN}", organisation=council, role=Role.LINE_MANAGER
    )
    start = add_months(timezone.localdate(), -months_ago)
    nqsw = _membership(_user(email, name), council, Role.NQSW, start)
    return record_services.record_create(
        actor=psw,
        nqsw=nqsw,
        programme_type=ProgrammeType.objects.get(slug="adult-asye"),
        team=Team.objects.filter(organisation=council, service_area=Team.ServiceArea.ADULTS).first(),
        start_date=start,
        fte=Decimal("1"),
        date_qualified=add_months(start, -4),
        university="University of Northvale",
        swe_number=swe,
        assessor=assessor,
        line_manager=manager,
    )


def _answers(questions: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
    return {key: {"answer": "yes", "comment": ""} for key, _ in questions}


@transaction.atomic
def load_moderation_demo() -> None:
    council = Organisation.objects.filter(slug=COUNCIL).first()
    eastholm = Organisation.objects.filter(slug="eastholm").first()
    partnership = Organisation.objects.filter(slug="northvale-academy").first()
    psw = User.objects.filter(email=f"psw@{DEMO_DOMAIN}").first()
    moderator = Membership.objects.filter(user__email=f"moderator@{DEMO_DOMAIN}", role=Role.MODERATOR).first()
    if council is None or eastholm is None or partnership is None or psw is None or moderator is None:
        return  # the core's demo academy is not loaded
    if not ProgrammeType.objects.exists() or ModerationPanel.objects.filter(title=OPEN_PANEL).exists():
        return
    today = timezone.localdate()
    external = _membership(
        _user(EXTERNAL_EMAIL, "Nadia Fenwick-Cole"),
        eastholm,
        Role.MODERATOR,
        today - datetime.timedelta(days=900),
    )

    # One portfolio awaiting the open panel (submitted to moderation).
    awaiting = _record(AWAITING_EMAIL, "Rhys Abernethy", "SW908801", 12, council)
    AsyeRecord.objects.filter(pk=awaiting.pk).update(status=RecordStatus.SUBMITTED)
    awaiting.status = RecordStatus.SUBMITTED
    open_panel = services.panel_create(
        actor=psw, organisation=council, title=OPEN_PANEL, held_on=today + datetime.timedelta(days=10)
    )
    services.panel_member_add(actor=psw, panel=open_panel, membership=moderator)
    services.panel_member_add(actor=psw, panel=open_panel, membership=external)
    services.panel_allocate(actor=psw, panel=open_panel, record=awaiting)

    # One completed and locked: agreed by last term's panel, passed by the employer.
    completed = _record(COMPLETED_EMAIL, "Lowri Stennett", "SW908802", 13, council)
    AsyeRecord.objects.filter(pk=completed.pk).update(status=RecordStatus.SUBMITTED)
    completed.status = RecordStatus.SUBMITTED
    closed_panel = services.panel_create(
        actor=psw, organisation=council, title=CLOSED_PANEL, held_on=today - datetime.timedelta(days=20)
    )
    services.panel_member_add(actor=psw, panel=closed_panel, membership=moderator)
    allocation = services.panel_allocate(actor=psw, panel=closed_panel, record=completed)
    allocation = services.allocation_checklist_save(
        actor=moderator.user,
        allocation=allocation,
        checklist=_answers(ITEMS),
        external=_answers(EXTERNAL_QUESTIONS),
        shortcomings="",
    )
    allocation = services.allocation_decide(
        actor=moderator.user,
        allocation=allocation,
        decision=PanelDecision.AGREE,
        reasons="Well evidenced across every domain; the recommendation is sound.",
    )
    services.record_final_decide(actor=psw, allocation=allocation, outcome=Outcome.PASS)
    services.panel_close(actor=psw, panel=closed_panel)
