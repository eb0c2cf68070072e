"""The walk's rows for the year's export and the import (cpd/transfer/). Everyone signed in keeps
a CPD ledger, so every persona may download their own year and import into their own ledger:
each answers 200 (with their own records only; the isolation tests in test_transfer_*.py show
that). Confirming an import without checked rows sends the person back to the upload (302)."""

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry

YEAR = "2025-26"


def register(walk: WalkRegistry) -> None:
    walk.add_rules(
        {
            "cpd:year_pdf": Rule(lambda w, p: reverse("cpd:year_pdf", args=[YEAR])),
            "cpd:year_csv": Rule(lambda w, p: reverse("cpd:year_csv", args=[YEAR])),
            "cpd:import": Rule(lambda w, p: reverse("cpd:import")),
            "cpd:import_template": Rule(lambda w, p: reverse("cpd:import_template")),
            "cpd:import_confirm": Rule(
                lambda w, p: reverse("cpd:import_confirm"), method="POST", default=302
            ),
        }
    )
