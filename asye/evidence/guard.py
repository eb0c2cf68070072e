"""The anonymisation guard over one evidence item: its title, every answer, each attachment's
file name and the words inside it. Pure reading: `services.evidence_anonymisation_check` keeps
the record of what was found and decided."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from academy.files.models import StoredFile
from academy.files.storage import private_storage
from academy.organisations.selectors import organisation_settings_for
from asye.anonymisation import Flag, extract_text, scan_filename, scan_text

from .forms_data import PEER_REFLECTION_ANSWER, PEER_REFLECTION_LABEL, kind_form
from .models import EvidenceItem


@dataclass(frozen=True)
class Passage:
    """One scanned text and where it comes from (`source`, as stored on AnonymisationCheck)."""

    source: str
    label: str
    text: str


@dataclass(frozen=True)
class GuardFlag:
    passage: Passage
    flag: Flag

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.flag.text.encode()).hexdigest()

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.passage.source, str(self.flag.kind), self.text_sha256)


def _answer_passages(item: EvidenceItem) -> Iterable[Passage]:
    form = kind_form(item.record.programme_version, item.kind)
    prompts = {**form.nqsw_prompts, **form.observer_prompts, PEER_REFLECTION_ANSWER: PEER_REFLECTION_LABEL}
    for key, value in (item.answers or {}).items():
        if isinstance(value, str) and value.strip():
            yield Passage(f"answer:{key}", prompts.get(key, key), value)
    statements = (item.answers or {}).get("statements") or {}
    if isinstance(statements, dict):
        for element_id, answer in statements.items():
            note = answer.get("note", "") if isinstance(answer, dict) else ""
            if note.strip():
                yield Passage(f"answer:statements:{element_id}", "Note on a statement", note)


def item_passages(item: EvidenceItem, files: Iterable[StoredFile]) -> list[Passage]:
    passages = [Passage("title", "Title", item.title), *_answer_passages(item)]
    for stored in files:
        passages.append(Passage(f"file:{stored.pk}", "Attachment name", stored.original_name))
        with private_storage().open(stored.stored_name) as handle:
            extraction = extract_text(handle.read(), stored.content_type)
        if extraction.text:
            passages.append(
                Passage(f"file-text:{stored.pk}", f"Inside {stored.original_name}", extraction.text)
            )
    return passages


def guard_flags(item: EvidenceItem, files: Iterable[StoredFile]) -> list[GuardFlag]:
    """Every flag in the item, in the order of its passages."""
    found: list[GuardFlag] = []
    # The organisation's own case reference formats (else its partnership's), from its settings.
    patterns = organisation_settings_for(item.record.organisation).case_reference_patterns
    for passage in item_passages(item, files):
        scan = scan_filename if passage.source.startswith("file:") else scan_text
        flags = scan(passage.text, case_reference_patterns=patterns)
        found.extend(GuardFlag(passage, flag) for flag in flags)
    return found
