"""The portfolio PDF and ZIP: what they hold, the anonymised copy (no name survives, read back
from the PDF with pypdf), the section registry, and the service and task that build them."""

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pypdf import PdfReader

from academy.audit import AuditEntry
from academy.files.storage import private_storage
from academy.roles import Role
from asye.export import document, sections
from asye.export.models import ExportKind, ExportStatus, PortfolioExport
from asye.export.pseudonyms import Person, Pseudonyms, person_from_user
from asye.export.sections import Section, SectionContent, register_section, registered_sections
from asye.export.services import portfolio_export_request, portfolio_export_run
from asye.export.tasks import portfolio_export_build
from asye.models import AssessorChange
from asye.tests.export_support import build_portfolio
from asye.tests.factories import member
from asye.tests.review_support import fresh

pytestmark = pytest.mark.django_db

# The people of the portfolio, with names the anonymised copy must not keep.
NAMES = {
    "nqsw": "Amara Okafor",
    "assessor": "Bethan Lloyd",
    "manager": "Callum Reid",
}
FORMER_ASSESSOR = "Farah Haddad"


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def named(personas: dict[str, Any]) -> None:
    for persona, name in NAMES.items():
        user = personas[persona]
        user.full_name = name
        user.save(update_fields=["full_name"])


@pytest.fixture
def portfolio(record: Any, named: None, orgs: Any) -> Any:
    former = member(orgs.home, Role.ASSESSOR, full_name=FORMER_ASSESSOR, email="farah.haddad@example.test")
    AssessorChange.objects.create(
        record=record,
        from_assessor=former,
        to_assessor=record.assessor,
        changed_by=record.line_manager.user,
        reason=f"{FORMER_ASSESSOR} moved to another team.",
    )
    mention = (
        "Bethan Lloyd and Callum said so; Farah Haddad agreed, and Amara's plan "
        "(amara-okafor@example.test) held."
    )
    build_portfolio(record, items=4, mention=mention)
    return fresh(record)


def test_the_full_pdf_holds_every_part_of_the_portfolio(portfolio: Any) -> None:
    built = document.build_portfolio(portfolio, anonymised=False)
    text = pdf_text(built.pdf)
    assert built.items == 4
    for heading in (
        "Contents",
        "Support and assessment agreement",
        "Professional development plans",
        "Accepted evidence",
        "Framework map",
        "Supervision and support",
        "Reviews",
        "Signatures",
    ):
        assert heading in text
    assert "E1. Evidence 001" in text
    assert "E4. Evidence 004" in text
    assert "Well evidenced." in text  # the comments
    assert "Accepted by Bethan Lloyd" in text
    assert "PCF" in text  # the framework mappings and map
    assert "supervisions were held" in text  # the support summary
    assert "On track" in text  # the review's judgements
    assert "Amara Okafor" in text
    assert "E1-1: visit notes.txt" in text
    assert portfolio.swe_number in text
    # Every signature with its date: three on the agreement, three on the review.
    assert text.count("Newly qualified social worker") >= 2
    assert "Foundational review" in text


def test_the_zip_holds_the_pdf_and_every_attachment(portfolio: Any) -> None:
    built = document.build_portfolio(portfolio, anonymised=False)
    with zipfile.ZipFile(io.BytesIO(built.zip)) as archive:
        names = archive.namelist()
        assert archive.read("portfolio.pdf") == built.pdf
        text = archive.read("attachments/E1-1 visit notes.txt").decode()
    assert "attachments/E4-1 observation form.pdf" in names
    assert "Notes of the visit." in text


def test_no_name_survives_in_the_anonymised_copy(portfolio: Any) -> None:
    built = document.build_portfolio(portfolio, anonymised=True)
    text = pdf_text(built.pdf)
    words = {w for name in [*NAMES.values(), FORMER_ASSESSOR] for w in name.split()}
    for word in words:
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), f"{word!r} survived: {text[:200]}"
    assert "okafor" not in text.lower()
    assert "visit notes" not in text  # attachments go by their item's number
    assert "E1-1.txt" in text
    assert portfolio.swe_number not in text
    # Consistent roles instead, the same words for the same person.
    assert "Accepted by the assessor" in text
    assert (
        "the assessor and the line manager said so; Former assessor 1 agreed, "
        "and the NQSW's plan (the NQSW-the NQSW@example.test)" in text
    )
    with zipfile.ZipFile(io.BytesIO(built.zip)) as archive:
        names = archive.namelist()
        notes = archive.read("attachments/E1-1.txt").decode()
    assert sorted(names) == ["attachments/E1-1.txt", "attachments/E4-1.pdf", "portfolio.pdf"]
    assert "Bethan" not in notes
    assert "the assessor" in notes


def test_pseudonyms_replace_whole_words_and_leave_markup_alone() -> None:
    pseudonyms = Pseudonyms(
        [
            person_from_user("user:1", "the NQSW", "Sam O'Neil", "sam@example.test"),
            person_from_user("user:2", "Supervisor 1", "Sam Patel", "sp@example.test"),
            Person("feedback:1", "Feedback giver 1", ("the boy's grandmother",)),
        ]
    )
    assert pseudonyms.text("Sam O'Neil met Samantha and Patel.") == "the NQSW met Samantha and Supervisor 1."
    assert pseudonyms.text("Sam said") == "a colleague said"  # two people called Sam
    assert pseudonyms.text("from the boy's grandmother") == "from Feedback giver 1"
    assert pseudonyms.markup('<p class="O\'Neil">O&#x27;Neil</p>') == '<p class="O\'Neil">the NQSW</p>'


def test_a_registered_section_joins_the_pdf_in_its_place(
    portfolio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "_sections", dict(sections._sections))

    def final(portfolio: Any) -> SectionContent:
        line = sections.SignatureLine(
            "Final assessment", "Assessor", "Bethan Lloyd", portfolio.signatures[0].signed_at
        )
        return SectionContent({"words": "Recommended: pass"}, [line])

    register_section(Section("final_test", "Final assessment", 70, "asye/export/pdf/signatures.html", final))
    keys = [s.key for s in registered_sections()]
    assert keys.index("reviews") < keys.index("final_test") < keys.index("signatures")
    html, _ = document.render_portfolio_html(portfolio, anonymised=False)
    assert (
        html.index("section-reviews")
        < html.index("section-final_test")
        < html.index('id="section-signatures"')
    )
    with pytest.raises(ImproperlyConfigured):
        register_section(Section("final_test", "Other", 71, "x.html", final))


def test_the_task_builds_once_and_a_second_run_changes_nothing(
    portfolio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        export = portfolio_export_request(record=portfolio, actor=portfolio.nqsw.user, kind=ExportKind.FULL)
        again = portfolio_export_request(record=portfolio, actor=portfolio.nqsw.user, kind=ExportKind.FULL)
    assert again.pk == export.pk  # a double click queues one export
    assert len(queued) == 1
    portfolio_export_build.apply(args=[str(export.pk)])
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert export.progress == 100
    assert export.items == 4
    first_pdf = export.pdf_name
    assert private_storage().open(first_pdf).read().startswith(b"%PDF")
    assert portfolio_export_run(export_id=export.pk) is None  # the second run finds it built
    export.refresh_from_db()
    assert export.pdf_name == first_pdf
    verbs = list(AuditEntry.objects.filter(object_id=str(export.pk)).values_list("verb", flat=True))
    assert sorted(verbs) == ["asye.portfolio_export.ready", "asye.portfolio_export.request"]


def test_a_new_copy_replaces_the_old_one_and_its_files(
    portfolio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    made = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            export = portfolio_export_request(
                record=portfolio, actor=portfolio.nqsw.user, kind=ExportKind.ANONYMISED
            )
            made.append(export)
        with django_capture_on_commit_callbacks(execute=True):
            portfolio_export_run(export_id=export.pk)
    old, new = (PortfolioExport.objects.get(pk=e.pk) for e in made)
    assert old.status == ExportStatus.REPLACED
    assert old.pdf_name == ""
    assert new.status == ExportStatus.READY


def test_a_failed_build_says_so(portfolio: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    export = PortfolioExport.objects.create(
        record=portfolio, kind=ExportKind.FULL, requested_by=portfolio.nqsw.user
    )

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(document, "html_to_pdf", broken)
    with pytest.raises(RuntimeError):
        portfolio_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.failure == "RuntimeError"


def test_a_build_whose_worker_died_is_taken_over_and_a_live_one_is_left_alone(portfolio: Any) -> None:
    live = PortfolioExport.objects.create(
        record=portfolio, kind=ExportKind.FULL, requested_by=portfolio.nqsw.user, status=ExportStatus.RUNNING
    )
    assert portfolio_export_run(export_id=live.pk) is None
    live.refresh_from_db()
    assert live.status == ExportStatus.RUNNING
    PortfolioExport.objects.filter(pk=live.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    built = portfolio_export_run(export_id=live.pk)
    assert built is not None
    assert built.status == ExportStatus.READY
