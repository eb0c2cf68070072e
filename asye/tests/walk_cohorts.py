"""Cohort pages in the URL walk: a cohort of the home council. Staff over the home council (its
PSW, the partnership's academy admin) open everything; staff of another council are told it
does not exist; every other role is refused by role (403)."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from academy.tests.walk import staff_only
from asye.cohorts.models import Cohort, CohortImport


def _cohort(world: World) -> Any:
    return Cohort.objects.create(
        organisation=world.orgs.home,
        name="Walk intake",
        start_month="2026-09-01",
        service_area="adults",
        created_by=world.persona("psw"),
    )


def _job(world: World) -> Any:
    return CohortImport.objects.create(
        cohort=world["cohort"],
        file_name="walk.csv",
        requested_by=world.persona("psw"),
        status=CohortImport.Status.READY,
        rows_total=1,
    )


def _of_job(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["cohort_import"].pk])


def _of_cohort(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["cohort"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("cohort", _cohort)
    walk.add_object("cohort_import", _job)
    everywhere = staff_only(200, elsewhere=200)
    home_only = staff_only(200, elsewhere=404)
    walk.add_rules(
        {
            "asye:cohorts": Rule(lambda w, p: reverse("asye:cohorts"), expect=everywhere),
            "asye:cohort_create": Rule(lambda w, p: reverse("asye:cohort_create"), expect=everywhere),
            "asye:assessor_workload": Rule(lambda w, p: reverse("asye:assessor_workload"), expect=everywhere),
            "asye:workforce_figures": Rule(lambda w, p: reverse("asye:workforce_figures"), expect=everywhere),
            "asye:workforce_figures_csv": Rule(
                lambda w, p: reverse("asye:workforce_figures_csv"), expect=everywhere
            ),
            "asye:cohort_dashboard": Rule(lambda w, p: reverse("asye:cohort_dashboard"), expect=everywhere),
            "asye:cohort_dashboard_csv": Rule(
                lambda w, p: reverse("asye:cohort_dashboard_csv", args=["overdue"]), expect=everywhere
            ),
            "asye:cohort_import_template": Rule(
                lambda w, p: reverse("asye:cohort_import_template"), expect=everywhere
            ),
            "asye:cohort": Rule(_of_cohort("asye:cohort"), expect=home_only),
            "asye:cohort_import": Rule(_of_cohort("asye:cohort_import"), expect=home_only),
            "asye:cohort_assign": Rule(_of_cohort("asye:cohort_assign"), expect=home_only),
            "asye:cohort_import_job": Rule(_of_job("asye:cohort_import_job"), expect=home_only),
            "asye:cohort_import_job_confirm": Rule(
                _of_job("asye:cohort_import_job_confirm"),
                method="POST",
                expect=staff_only(302, elsewhere=404),
            ),
            "asye:cohort_start_records": Rule(
                _of_cohort("asye:cohort_start_records"), method="POST", expect=staff_only(302, elsewhere=404)
            ),
            # A confirmation whose signed rows do not verify goes back to the upload.
            "asye:cohort_import_confirm": Rule(
                _of_cohort("asye:cohort_import_confirm"),
                method="POST",
                data={"rows": "not-signed"},
                expect=staff_only(302, elsewhere=404),
            ),
        }
    )
