"""Citing a CPD record as ASYE evidence: the service (link, snapshot, refusals, audit), the
snapshot taken again at submit and never after acceptance, the pages (the sharing warning before
the NQSW confirms, what was chosen kept on an error), the assessor reading the cited words on the
evidence page while the CPD record stays private, "used in" on the CPD record, isolation and
query counts."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, FrameworkElement
from academy.roles import Role
from academy.scope import Scope
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.evidence import services as evidence_services
from asye.evidence.citations import services
from asye.evidence.citations.models import CpdCitation
from asye.evidence.citations.used_in import cited_as_evidence
from asye.models import AsyeRecord, EvidenceKind, EvidenceStatus
from asye.tests.factories import AsyeRecordFactory, membership_of
from conftest import Orgs
from cpd import selectors as cpd_selectors
from cpd.models import CpdRecord, RecordStatus
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory, person_in

pytestmark = pytest.mark.django_db


def topic(code: str = "4.6") -> FrameworkElement:
    return cpd_selectors.cpd_topic_elements().get(code=code)


@pytest.fixture
def cpd_record(nqsw: Any) -> CpdRecord:
    found = CpdRecordFactory(
        person=nqsw,
        title="Mental capacity refresher",
        provider="Testvale Academy",
        hours=Decimal("3.5"),
        description="A half-day refresher on the five principles.",
    )
    found.topics.set([topic("4.6")])
    PeerReflectionFactory(record=found, learning="Talking it through showed me to ask the person first.")
    return found


def cite(record: AsyeRecord, cpd_record: CpdRecord, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": record.nqsw.user,
        "record": record,
        "cpd_record": cpd_record,
        "sharing_confirmed": True,
        **overrides,
    }
    return services.evidence_cite_cpd(**values)


# --- The service ---------------------------------------------------------------------------------


def test_citing_makes_a_learning_activity_from_the_cpd_record(
    record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    element = topic("4.6")
    item = cite(record, cpd_record, elements=[element], idempotency_key="k1")
    assert item.kind == EvidenceKind.LEARNING_ACTIVITY
    assert item.status == EvidenceStatus.DRAFT
    assert (item.title, item.date) == ("Mental capacity refresher", cpd_record.occurred_on)
    # The prompts the CPD record answers, and its peer reflection (read by the guard).
    assert item.answers["activity"] == "A half-day refresher on the five principles."
    assert item.answers["learning"] == cpd_record.learning
    assert item.answers["impact"] == cpd_record.impact
    assert item.answers["cpd_peer_reflection"] == "Talking it through showed me to ask the person first."
    assert list(item.mappings.values_list("element_id", flat=True)) == [element.pk]
    citation = CpdCitation.objects.get(item=item)
    assert citation.cpd_record == cpd_record
    assert citation.snapshot["hours"] == "3.5"
    assert citation.snapshot["provider"] == "Testvale Academy"
    assert citation.snapshot["topics"] == [f"4.6 {element.title or 'Reflection'}".strip()]
    entry = AuditEntry.objects.get(verb="evidence.cite_cpd")
    assert entry.after["cpd_record"] == str(cpd_record.pk)
    assert entry.organisation_id == record.organisation_id
    # Pressing the button twice makes one item.
    assert cite(record, cpd_record, idempotency_key="k1") == item
    assert CpdCitation.objects.count() == 1


def test_citing_is_refused_for_someone_elses_record_a_draft_or_without_confirming(
    record: AsyeRecord, cpd_record: CpdRecord, social_worker: Any
) -> None:
    with pytest.raises(PermissionDenied):
        cite(record, CpdRecordFactory(person=social_worker))
    with pytest.raises(ValidationError, match="Finish this CPD record"):
        cite(record, CpdRecordFactory(person=record.nqsw.user, status=RecordStatus.DRAFT))
    with pytest.raises(ValidationError) as refused:
        cite(record, cpd_record, sharing_confirmed=False)
    assert "confirm" in refused.value.message_dict
    with pytest.raises(PermissionDenied):  # only the record's NQSW adds evidence
        cite(AsyeRecordFactory(), CpdRecordFactory(person=record.nqsw.user), actor=record.nqsw.user)
    assert not CpdCitation.objects.exists()


def test_a_record_is_cited_once_per_portfolio(record: AsyeRecord, cpd_record: CpdRecord) -> None:
    cite(record, cpd_record)
    with pytest.raises(ValidationError, match="already cited"):
        cite(record, cpd_record)


def test_an_edit_keeps_the_cited_words(record: AsyeRecord, cpd_record: CpdRecord) -> None:
    item = cite(record, cpd_record)
    evidence_services.evidence_update(
        actor=record.nqsw.user,
        item=item,
        version=item.version,
        title="Capacity refresher, as ASYE evidence",
        date=item.date,
        answers={"activity": "typed over"},
    )
    item.refresh_from_db()
    assert item.title == "Capacity refresher, as ASYE evidence"
    assert item.answers["activity"] == "A half-day refresher on the five principles."
    assert item.answers["cpd_peer_reflection"]


def test_the_snapshot_is_taken_again_at_submit_and_never_after_acceptance(
    record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    item = cite(record, cpd_record)
    CpdRecord.objects.filter(pk=cpd_record.pk).update(learning="Rewritten after the course.")
    evidence_services.evidence_submit(actor=record.nqsw.user, item=item, version=item.version)
    item.refresh_from_db()
    assert item.answers["learning"] == "Rewritten after the course."
    assert CpdCitation.objects.get(item=item).snapshot["learning"] == "Rewritten after the course."
    evidence_services.evidence_accept(actor=record.assessor.user, item=item)
    CpdRecord.objects.filter(pk=cpd_record.pk).update(learning="Changed once more, later.")
    with pytest.raises(ValidationError):  # accepted: locked
        evidence_services.evidence_submit(actor=record.nqsw.user, item=item, version=item.version)
    item.refresh_from_db()
    assert item.answers["learning"] == "Rewritten after the course."
    assert CpdCitation.objects.get(item=item).snapshot["learning"] == "Rewritten after the course."


def test_the_guard_reads_the_cited_words_before_submitting(record: AsyeRecord, nqsw: Any) -> None:
    cpd_record = CpdRecordFactory(person=nqsw, description="Visit to Mrs Jones at 12 Acacia Avenue, AB1 2CD.")
    item = cite(record, cpd_record)
    with pytest.raises(evidence_services.FlagsNotConfirmed):
        evidence_services.evidence_submit(actor=record.nqsw.user, item=item, version=item.version)


# --- The pages ----------------------------------------------------------------------------------


def test_add_page_offers_citing(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    html = client.get(reverse("asye:evidence_add", args=[record.pk])).content.decode()
    assert reverse("asye:evidence_cite", args=[record.pk]) in html


def test_choosing_lists_own_completed_records_and_marks_cited_ones(
    client: Client, nqsw: Any, record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    other = CpdRecordFactory(person=nqsw, title="Reading on strengths-based practice")
    CpdRecordFactory(person=nqsw, title="Unfinished draft", status=RecordStatus.DRAFT)
    item = cite(record, cpd_record)
    client.force_login(nqsw)
    html = client.get(reverse("asye:evidence_cite", args=[record.pk])).content.decode()
    assert reverse("asye:evidence_cite_record", args=[record.pk, other.pk]) in html
    assert reverse("asye:evidence_cite_record", args=[record.pk, cpd_record.pk]) not in html
    assert reverse("asye:evidence", args=[item.pk]) in html
    assert "Unfinished draft" not in html


def test_choosing_with_no_records_says_what_to_do(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    html = client.get(reverse("asye:evidence_cite", args=[record.pk])).content.decode()
    assert "no completed CPD records" in html
    assert reverse("cpd:ledger") in html


def test_the_confirm_page_warns_before_sharing(
    client: Client, nqsw: Any, record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    client.force_login(nqsw)
    url = reverse("asye:evidence_cite_record", args=[record.pk, cpd_record.pk])
    html = client.get(url).content.decode()
    assert "Citing this CPD record shares its title, type of CPD activity, date, hours, provider" in html
    assert "what you learnt from your peer reflection" in html
    assert record.assessor.user.display_name in html
    assert record.line_manager.user.display_name in html
    assert "Home Borough Council and Testvale Academy" in html
    assert "the name and role of your peer" in html  # what is not shared
    assert "A half-day refresher on the five principles." in html  # the content, before confirming
    # The standard 4 topic is among the record's frameworks: it is ticked already.
    assert f'value="{topic("4.6").pk}" checked' in html


def test_confirming_is_required_and_keeps_what_was_chosen(
    client: Client, nqsw: Any, record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    client.force_login(nqsw)
    url = reverse("asye:evidence_cite_record", args=[record.pk, cpd_record.pk])
    chosen = topic("4.2")
    response = client.post(url, {"idempotency_key": "k9", "elements": [str(chosen.pk)]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Confirm that you understand who will be able to read this CPD record" in html
    assert f'value="{chosen.pk}" checked' in html
    assert not CpdCitation.objects.exists()

    response = client.post(url, {"idempotency_key": "k9", "elements": [str(chosen.pk)], "confirm": "on"})
    citation = CpdCitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("asye:evidence", args=[citation.item_id])
    assert list(citation.item.mappings.values_list("element_id", flat=True)) == [chosen.pk]
    # Coming back to a record already cited goes to its evidence.
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("asye:evidence", args=[citation.item_id])


def test_the_nqsw_cannot_cite_someone_elses_record_or_a_draft(
    client: Client, nqsw: Any, social_worker: Any, record: AsyeRecord
) -> None:
    client.force_login(nqsw)
    theirs = CpdRecordFactory(person=social_worker)
    draft = CpdRecordFactory(person=nqsw, status=RecordStatus.DRAFT)
    for found in (theirs, draft):
        url = reverse("asye:evidence_cite_record", args=[record.pk, found.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "on", "idempotency_key": "x"}).status_code == 404
    assert not CpdCitation.objects.exists()


def test_the_choose_page_is_read_only(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    assert client.post(reverse("asye:evidence_cite", args=[record.pk])).status_code == 405


def test_the_assessor_reads_the_cited_words_but_not_the_cpd_record(
    client: Client, assessor: Any, psw: Any, record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    item = cite(record, cpd_record)
    for reader in (assessor, psw):
        client.force_login(reader)
        html = client.get(reverse("asye:evidence", args=[item.pk])).content.decode()
        assert "From the NQSW&#x27;s CPD record" in html or "From the NQSW's CPD record" in html
        assert "A half-day refresher on the five principles." in html
        assert "Talking it through showed me to ask the person first." in html
        assert "Testvale Academy" in html
        assert reverse("cpd:record", args=[cpd_record.pk]) not in html
        assert client.get(reverse("cpd:record", args=[cpd_record.pk])).status_code == 404
        assert client.get(reverse("cpd:copy_pack", args=[cpd_record.pk])).status_code == 404


def test_the_nqsw_sees_the_copy_a_link_to_their_record_and_where_it_is_used(
    client: Client, nqsw: Any, record: AsyeRecord, cpd_record: CpdRecord
) -> None:
    item = cite(record, cpd_record)
    client.force_login(nqsw)
    html = client.get(reverse("asye:evidence", args=[item.pk])).content.decode()
    assert "From your CPD record" in html
    assert reverse("cpd:record", args=[cpd_record.pk]) in html
    # The edit form does not ask again what the CPD record answers.
    edit = client.get(reverse("asye:evidence_edit", args=[item.pk])).content.decode()
    assert 'name="answer_activity"' not in edit
    assert 'name="title"' in edit
    # "Used in" on the CPD record (the core's registry, asye's provider).
    html = client.get(reverse("cpd:record", args=[cpd_record.pk])).content.decode()
    assert "Used in" in html
    assert "ASYE evidence: Mental capacity refresher" in html
    assert reverse("asye:evidence", args=[item.pk]) in html


def test_used_in_is_scoped_to_what_the_viewer_may_read(
    orgs: Orgs, record: AsyeRecord, cpd_record: CpdRecord, personas: dict[str, Any]
) -> None:
    item = cite(record, cpd_record)

    def uses(name: str) -> list[str]:
        user = personas[name]
        membership = user.memberships.first()
        scope = Scope.of(user, membership.organisation, [membership.role])
        return [use.url for use in cited_as_evidence(record_id=cpd_record.pk, scope=scope)]

    assert uses("nqsw") == [reverse("asye:evidence", args=[item.pk])]
    assert uses("assessor") == [reverse("asye:evidence", args=[item.pk])]
    for outsider in ("sibling_assessor", "sibling_psw", "outsider", "unassigned_assessor", "social_worker"):
        assert uses(outsider) == [], outsider


# --- Isolation and query counts ----------------------------------------------------------------------


def cited_item_in(organisation: Any, marker: str) -> Any:
    record = AsyeRecordFactory(organisation=organisation)
    return cite(record, CpdRecordFactory(person=record.nqsw.user, description=f"Course notes {marker}"))


def test_cited_content_isolation(client: Client, assessor: Any, orgs: Orgs, programme_types: None) -> None:
    mine = membership_of(assessor, orgs.home, Role.ASSESSOR)

    def assigned(marker: str) -> Any:
        record = AsyeRecordFactory(organisation=orgs.home, assessor=mine)
        return cite(record, CpdRecordFactory(person=record.nqsw.user, description=f"Course notes {marker}"))

    check = IsolationCheck(client, viewer=assessor)
    planted = check.plant(
        cited_item_in,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: cited_item_in(orgs.home, marker),  # assessed by someone else
        },
        shown={"assigned to the viewer": assigned},
    )
    check.object_pages(lambda i: reverse("asye:evidence", args=[i.pk]), planted, shown_status=200)
    html = client.get(reverse("asye:evidence", args=[planted.shown[0].obj.pk])).content.decode()
    check.markers_absent(html, planted, who="the assigned assessor's cited item")


def test_choose_page_isolation(client: Client, nqsw: Any, orgs: Orgs, record: AsyeRecord) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(
        lambda organisation, marker: CpdRecordFactory(person=person_in(organisation), title=marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: CpdRecordFactory(person=person_in(orgs.home), title=marker),
        },
        shown={"the NQSW's own": lambda marker: CpdRecordFactory(person=nqsw, title=marker)},
    )
    check.list_page(reverse("asye:evidence_cite", args=[record.pk]), planted)
    check.object_pages(
        lambda r: reverse("asye:evidence_cite_record", args=[record.pk, r.pk]), planted, shown_status=200
    )


def test_choose_page_query_count(
    client: Client, nqsw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    records = [
        CpdRecordFactory(person=nqsw, occurred_on=datetime.date(2026, 6, day), title=f"Course {day}")
        for day in range(1, 7)
    ]
    for found in records[:3]:
        cite(record, found)
    client.force_login(nqsw)
    # The user, their memberships, + the record with its people, + its pauses, + the page count,
    # + the citations in this portfolio, + the page of CPD records (only the listed columns),
    # + "has an ASYE record" (navigation), + the unread notification count (header).
    with django_assert_num_queries(9):
        response = client.get(reverse("asye:evidence_cite", args=[record.pk]))
    html = response.content.decode()
    assert html.count("Already cited") == 3
    assert html.count("Not cited") == 3


# --- Demo ---------------------------------------------------------------------------------------------


def test_demo_cites_a_cpd_record(programme_types: None) -> None:
    from academy.demo import load_demo
    from academy.registry.used_in import cpd_record_used_in

    load_demo()
    load_demo()
    citation = CpdCitation.objects.select_related("item__record__nqsw__user", "cpd_record").get()
    assert citation.item.status == EvidenceStatus.SUBMITTED
    assert citation.item.record.nqsw.user.email == "nqsw@demo.academy.test"
    nqsw = citation.item.record.nqsw
    scope = Scope.of(nqsw.user, nqsw.organisation, [nqsw.role])
    uses = cpd_record_used_in(record_id=citation.cpd_record_id, scope=scope)  # type: ignore[arg-type]
    assert [use.label for use in uses] == [f"ASYE evidence: {citation.item.title}"]
