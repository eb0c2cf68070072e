"""The final assessment and the moderation outcome join the portfolio PDF through the section
registry: the full copy shows both with their signatures and names; the anonymised copy keeps
no name, moderators' and the employer's decider's included (read back with pypdf)."""

import io
import re
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from academy.models import Membership
from academy.roles import Role
from asye.export import document
from asye.export.sections import registered_sections
from asye.models import AsyeRecord, RecordStatus
from asye.moderation import services as moderation
from asye.moderation.checklist import EXTERNAL_QUESTIONS, ITEMS
from asye.moderation.models import Outcome, PanelDecision
from asye.tests.export_support import build_portfolio
from asye.tests.factories import member
from asye.tests.final_support import confirm_all, sign_final, signed_reviews, write_final
from asye.tests.review_support import fresh

pytestmark = pytest.mark.django_db

NAMES = {
    "nqsw": "Amara Okafor",
    "assessor": "Bethan Lloyd",
    "manager": "Callum Reid",
    "psw": "Delphine Marsh",
}
MODERATOR = "Esther Blackwood"


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _yes(questions: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
    return {key: {"answer": "yes", "comment": "Confirmed from the record."} for key, _ in questions}


@pytest.fixture
def completed(record: Any, personas: dict[str, Any], orgs: Any) -> Any:
    """A portfolio through the whole year: final assessment signed by three, an external
    moderator's checklist and agreement, and the employer's pass."""
    for persona, name in NAMES.items():
        personas[persona].full_name = name
        personas[persona].save(update_fields=["full_name"])
    psw = personas["psw"]
    build_portfolio(record, items=3)
    signed_reviews(record, ("midpoint", "nine_month", "final"))
    confirm_all(record)
    write_final(record)
    sign_final(record)
    # Submission's own rules are tested in asye/final/; here the portfolio is simply sent.
    AsyeRecord.objects.filter(pk=record.pk).update(status=RecordStatus.SUBMITTED)
    external: Membership = member(
        orgs.other, Role.MODERATOR, full_name=MODERATOR, email="esther.blackwood@example.test"
    )
    panel = moderation.panel_create(
        actor=psw, organisation=orgs.home, title="Winter panel", held_on=timezone.localdate()
    )
    moderation.panel_member_add(actor=psw, panel=panel, membership=external)
    allocation = moderation.panel_allocate(actor=psw, panel=panel, record=fresh(record))
    allocation = moderation.allocation_checklist_save(
        actor=external.user,
        allocation=allocation,
        checklist=_yes(ITEMS),
        external=_yes(EXTERNAL_QUESTIONS),
        shortcomings="",
    )
    allocation = moderation.allocation_decide(
        actor=external.user, allocation=allocation, decision=PanelDecision.AGREE
    )
    moderation.record_final_decide(actor=psw, allocation=allocation, outcome=Outcome.PASS)
    return fresh(record)


def test_both_sections_are_registered_in_order() -> None:
    keys = [s.key for s in registered_sections()]
    assert keys.index("reviews") < keys.index("final_assessment") < keys.index("moderation_outcome")
    assert keys.index("moderation_outcome") < keys.index("signatures")


def test_the_pdf_holds_the_final_assessment_and_the_moderation_outcome(completed: Any) -> None:
    text = pdf_text(document.build_portfolio(completed, anonymised=False).pdf)
    for words in (
        "Final assessment",
        "Over the year I learnt to slow down",
        "Consistent, reflective practice",
        "Recommendation: Pass",
        "I endorse the recommendation",
        "Moderation outcome",
        "Winter panel",
        "The support and assessment agreement is signed by everyone",
        "In line with the criteria for passing",
        "Decision: Agreed by Esther Blackwood",
        "Passed, decided by Delphine Marsh",
    ):
        assert words in text, words
    # The final assessment's three signatures are in the closing signatures table too.
    closing = text[text.rindex("Signatures") :]
    assert closing.count("Final assessment") == 3
    for name in ("Amara Okafor", "Bethan Lloyd", "Callum Reid"):
        assert name in closing


def test_the_anonymised_copy_names_nobody_moderators_included(completed: Any) -> None:
    text = pdf_text(document.build_portfolio(completed, anonymised=True).pdf)
    assert "Moderation outcome" in text
    assert "Final assessment" in text
    for word in {w for name in [*NAMES.values(), MODERATOR] for w in name.split()}:
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), f"{word!r} survived"
    assert "Decision: Agreed by Moderator 1" in text
    assert "Employer's decision maker 1" in text


def test_a_portfolio_not_yet_at_its_end_leaves_both_sections_out(record: Any) -> None:
    build_portfolio(record, items=1)
    text = pdf_text(document.build_portfolio(fresh(record), anonymised=False).pdf)
    assert "Final assessment" not in text
    assert "Moderation outcome" not in text
