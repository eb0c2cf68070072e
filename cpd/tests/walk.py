"""The CPD app's rows in the URL walk (academy.testing.walk). Every signed-in person may keep
CPD, so the ledger, the tracker and the new-record form answer 200 to every persona. The walk's
record belongs to the home council's social worker: everyone else, their PSW, manager and the
academy's admins included, is told it does not exist (404): a ledger belongs to its person."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from cpd.tests import walk_compliance, walk_peer, walk_transfer
from cpd.tests.factories import CpdRecordFactory
from cpd.year_loader import load_registration_years

OWNER = "social_worker"
OWNER_ONLY = {OWNER: 200}


def _record(world: World) -> Any:
    load_registration_years()  # a transactional test earlier in the run may have removed them
    return CpdRecordFactory(person=world.persona(OWNER), title="Walk record")


def _of_record(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["cpd_record"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("cpd_record", _record)
    walk_peer.register(walk, owner=OWNER)
    walk.add_rules(
        {
            "cpd:ledger": Rule(lambda w, p: reverse("cpd:ledger")),
            "cpd:tracker": Rule(lambda w, p: reverse("cpd:tracker")),
            "cpd:record_create": Rule(lambda w, p: reverse("cpd:record_create")),
            "cpd:record": Rule(_of_record("cpd:record"), expect=OWNER_ONLY, default=404),
            "cpd:record_edit": Rule(_of_record("cpd:record_edit"), expect=OWNER_ONLY, default=404),
            "cpd:peer_reflection": Rule(_of_record("cpd:peer_reflection"), expect=OWNER_ONLY, default=404),
            "cpd:copy_pack": Rule(_of_record("cpd:copy_pack"), expect=OWNER_ONLY, default=404),
            # The walk's record is complete already: completing it again changes nothing.
            "cpd:record_complete": Rule(
                _of_record("cpd:record_complete"), method="POST", expect={OWNER: 302}, default=404
            ),
        }
    )
    walk_compliance.register(walk)
    walk_transfer.register(walk)
