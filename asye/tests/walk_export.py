"""The export pages' rows in the URL walk (called from asye/tests/walk.py). The walk's record is
the home NQSW's, assessed by `assessor` and managed by `manager`; everyone who reads it may make
and download a copy, and nobody else learns it exists."""

from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse

from academy.files.storage import private_storage
from academy.testing.walk import Rule, WalkRegistry, World
from asye.export.models import ExportKind, ExportStatus, PortfolioExport

READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
EXPORTERS = {"nqsw": 302, "assessor": 302, "manager": 302, "psw": 302, "academy_admin": 302}


def _ready_export(world: World) -> Any:
    record = world["record"]
    storage = private_storage()
    return PortfolioExport.objects.create(
        record=record,
        kind=ExportKind.FULL,
        status=ExportStatus.READY,
        progress=100,
        requested_by=record.nqsw.user,
        pdf_name=storage.save(f"{record.organisation_id}/walk-export-pdf", ContentFile(b"%PDF-1.7 walk")),
        pdf_size=13,
        zip_name=storage.save(f"{record.organisation_id}/walk-export-zip", ContentFile(b"PK walk")),
        zip_size=7,
        items=0,
    )


def _of_export(name: str, *extra: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk, world["export_ready"].pk, *extra])


def register(walk: WalkRegistry) -> None:
    walk.add_object("export_ready", _ready_export)
    walk.add_rules(
        {
            "asye:export": Rule(
                lambda world, persona: reverse("asye:export", args=[world["record"].pk]),
                expect=READERS,
                default=404,
            ),
            "asye:export_request": Rule(
                lambda world, persona: reverse("asye:export_request", args=[world["record"].pk]),
                method="POST",
                data={"kind": ExportKind.ANONYMISED},
                expect=EXPORTERS,
                default=404,
            ),
            "asye:export_status": Rule(_of_export("asye:export_status"), expect=READERS, default=404),
            "asye:export_download": Rule(
                _of_export("asye:export_download", "pdf"), expect=READERS, default=404
            ),
        }
    )
