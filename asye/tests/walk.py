"""The ASYE app's rows in the URL walk (academy.testing.walk). The walk's record belongs to the
home council's NQSW persona, assessed by the `assessor` persona and managed by `manager`;
`unassigned_assessor` is another assessor of the same council, who must not find it."""

from typing import Any

from django.urls import reverse

from academy.roles import Role
from academy.testing.walk import Persona, Rule, WalkRegistry, World
from academy.tests.walk import holding, staff_only
from asye.models import EvidenceKind, EvidenceStatus
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, membership_of, programme_version

from .walk_agreement import register as register_agreement
from .walk_citation import register as register_citation
from .walk_cohorts import register as register_cohorts
from .walk_export import register as register_export
from .walk_feedback import register as register_feedback
from .walk_final import register as register_final
from .walk_funding import register as register_funding
from .walk_moderation import register as register_moderation
from .walk_reviews import register as register_reviews
from .walk_supervision import register as register_supervision

# Those who may open the walk's record; everyone else is told it does not exist.
RECORD_READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
# Who may change it: staff over the home council; the other readers may only read (403).
RECORD_WRITERS = {"nqsw": 403, "assessor": 403, "manager": 403, "psw": 200, "academy_admin": 200}


def _record(world: World) -> Any:
    home = world.orgs.home
    return AsyeRecordFactory(
        organisation=home,
        nqsw=membership_of(world.persona("nqsw"), home, Role.NQSW),
        assessor=membership_of(world.persona("assessor"), home, Role.ASSESSOR),
        line_manager=membership_of(world.persona("manager"), home, Role.LINE_MANAGER),
    )


# Evidence: the NQSW writes; the assessor reviews; the manager comments; staff read.
NQSW_ONLY = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
NQSW_POSTS = {"nqsw": 302, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
ASSESSOR_POSTS = {"nqsw": 403, "assessor": 302, "manager": 403, "psw": 403, "academy_admin": 403}
COMMENTERS = {"nqsw": 302, "assessor": 302, "manager": 302, "psw": 403, "academy_admin": 403}
OBSERVER_PAGE = {"nqsw": 403, "assessor": 200, "manager": 403, "psw": 403, "academy_admin": 403}


def _item(status: str, kind: str = EvidenceKind.CRITICAL_REFLECTION) -> Any:
    return lambda world: EvidenceItemFactory(record=world["record"], status=status, kind=kind)


def _of_item(name: str, item: str) -> Any:
    return lambda world, persona: reverse(name, args=[world[item].pk])


def _of_record(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk])


def _my_record(world: World, persona: str) -> str:
    world["record"]  # the home NQSW has a record: they are sent straight to it
    return reverse("asye:my_record")


def _version(world: World, persona: str) -> str:
    version = programme_version()
    return reverse("asye:programme_version", args=[version.programme_type.slug, version.slug])


def register(walk: WalkRegistry) -> None:
    walk.add_personas(Persona("unassigned_assessor", Role.ASSESSOR, "home"))
    walk.add_object("record", _record)
    walk.add_object("evidence_draft", _item(EvidenceStatus.DRAFT))
    walk.add_object("evidence_waiting", _item(EvidenceStatus.SUBMITTED))
    walk.add_object("observation", _item(EvidenceStatus.DRAFT, EvidenceKind.DIRECT_OBSERVATION))
    walk.add_rules(
        {
            "asye:records": Rule(lambda w, p: reverse("asye:records"), expect=staff_only(200, elsewhere=200)),
            "asye:record_create": Rule(
                lambda w, p: reverse("asye:record_create"), expect=staff_only(200, elsewhere=200)
            ),
            "asye:record": Rule(_of_record("asye:record"), expect=RECORD_READERS, default=404),
            "asye:record_assessor": Rule(
                _of_record("asye:record_assessor"), expect=RECORD_WRITERS, default=404
            ),
            "asye:my_record": Rule(_my_record, expect={"nqsw": 302}),
            "asye:assigned": Rule(lambda w, p: reverse("asye:assigned")),
            "asye:programmes": Rule(lambda w, p: reverse("asye:programmes")),
            "asye:programme_version": Rule(_version),
            # Shared by every organisation: only a reference data publisher (a deployment-wide
            # permission, not a role) may publish. asye/tests/test_programme_pages.py covers one.
            "asye:year": Rule(_of_record("asye:year"), expect=RECORD_READERS, default=404),
            "asye:evidence_list": Rule(_of_record("asye:evidence_list"), expect=RECORD_READERS, default=404),
            "asye:framework_map": Rule(_of_record("asye:framework_map"), expect=RECORD_READERS, default=404),
            "asye:evidence_add": Rule(_of_record("asye:evidence_add"), expect=NQSW_ONLY, default=404),
            "asye:evidence_new": Rule(
                lambda w, p: reverse("asye:evidence_new", args=[w["record"].pk, "critical_reflection"]),
                expect=NQSW_ONLY,
                default=404,
            ),
            "asye:evidence_queue": Rule(
                lambda w, p: reverse("asye:evidence_queue"), expect=holding(Role.ASSESSOR, 200)
            ),
            "asye:evidence": Rule(
                _of_item("asye:evidence", "evidence_draft"), expect=RECORD_READERS, default=404
            ),
            "asye:evidence_edit": Rule(
                _of_item("asye:evidence_edit", "evidence_draft"), expect=NQSW_ONLY, default=404
            ),
            "asye:evidence_check": Rule(
                _of_item("asye:evidence_check", "evidence_draft"), expect=NQSW_ONLY, default=404
            ),
            "asye:evidence_flag_confirm": Rule(
                _of_item("asye:evidence_flag_confirm", "evidence_draft"),
                method="POST",
                expect=NQSW_POSTS,
                default=404,
            ),
            "asye:evidence_submit": Rule(
                _of_item("asye:evidence_submit", "evidence_draft"),
                method="POST",
                data={"version": "1"},
                expect=NQSW_POSTS,
                default=404,
            ),
            "asye:evidence_return": Rule(
                _of_item("asye:evidence_return", "evidence_waiting"),
                method="POST",
                data={"reason": "Say more about the theory."},
                expect=ASSESSOR_POSTS,
                default=404,
            ),
            "asye:evidence_accept": Rule(
                _of_item("asye:evidence_accept", "evidence_waiting"),
                method="POST",
                expect=ASSESSOR_POSTS,
                default=404,
            ),
            "asye:evidence_comment": Rule(
                _of_item("asye:evidence_comment", "evidence_draft"),
                method="POST",
                data={"body": "A comment."},
                expect=COMMENTERS,
                default=404,
            ),
            "asye:evidence_observer": Rule(
                _of_item("asye:evidence_observer", "observation"), expect=OBSERVER_PAGE, default=404
            ),
            "asye:programme_publish": Rule(
                lambda w, p: reverse("asye:programme_publish", args=["adult-asye"]), default=403
            ),
        }
    )
    register_agreement(walk)
    register_citation(walk, nqsw_only=NQSW_ONLY)
    register_reviews(walk)
    register_export(walk)  # the portfolio export (asye/export/)
    register_moderation(walk)
    register_feedback(walk, record_readers=RECORD_READERS, nqsw_only=NQSW_ONLY, nqsw_posts=NQSW_POSTS)
    register_supervision(walk)
    register_cohorts(walk)
    register_funding(walk)
    register_final(walk)
