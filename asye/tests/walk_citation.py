"""The walk's rows for citing a CPD record as evidence (asye/evidence/citations/): only the
record's NQSW; those who may read the portfolio get 403; everyone else 404. The CPD record is the
NQSW persona's own, completed."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from cpd.tests.factories import CpdRecordFactory


def _cpd_record(world: World) -> Any:
    return CpdRecordFactory(person=world.persona("nqsw"), title="Walk: a course to cite")


def register(walk: WalkRegistry, *, nqsw_only: Mapping[str, int]) -> None:
    walk.add_object("cpd_to_cite", _cpd_record)
    walk.add_rules(
        {
            "asye:evidence_cite": Rule(
                lambda w, p: reverse("asye:evidence_cite", args=[w["record"].pk]),
                expect=nqsw_only,
                default=404,
            ),
            "asye:evidence_cite_record": Rule(
                lambda w, p: reverse("asye:evidence_cite_record", args=[w["record"].pk, w["cpd_to_cite"].pk]),
                expect=nqsw_only,
                default=404,
            ),
        }
    )
