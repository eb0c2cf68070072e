"""The anonymised copy for moderation: every person the portfolio names — the NQSW, their
assessors (present and past), line manager, supervisors, observers, commenters, signers, the
people who gave feedback — replaced by their role, the same words for the same person on every
page.

How it works: `Pseudonyms` is built from the people the portfolio names (`Person`: a user's full
name and email, or a feedback giver's description), each given a label by role ("the NQSW",
"Assessor", "Supervisor 2"...). Their full names, email addresses and each part of their names
(first name, surname: "Priya" and "Shah" alone too) are replaced wherever they appear in the
text of the rendered document, longest first and as whole words, so "Priya Shah's" becomes
"NQSW's". A name part two people share ("Sam") becomes "a colleague": better vague than wrong.
Only text between tags is rewritten, never the markup.

What it cannot do: recognise a person the portfolio does not know (a colleague named in an
answer who has no part in the record) — the anonymisation guard (asye/anonymisation/) points at
such names when the NQSW writes them — nor rewrite the words inside attached Word or PDF files
(plain text and CSV attachments are rewritten)."""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from asye.anonymisation.vocabulary import ORDINARY_WORDS, STOP_WORDS

SHARED_PART = "a colleague"
_TAG = re.compile(r"(<[^>]*>)")
MIN_PART_LENGTH = 2
# Name parts that are also ordinary words: replaced only with the capital they were written with.
ORDINARY = ORDINARY_WORDS | STOP_WORDS


@dataclass(frozen=True)
class Person:
    """Someone the portfolio names: `key` tells people apart (a user id, a feedback request id)."""

    key: str
    label: str
    names: tuple[str, ...]  # full name, email address, description: each replaced as a whole
    parts: tuple[str, ...] = ()  # first name, surname: replaced alone too


def _parts(full_name: str) -> tuple[str, ...]:
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", full_name)
    return tuple(w for w in words if len(w) >= MIN_PART_LENGTH)


def person_from_user(key: str, label: str, full_name: str, email: str) -> Person:
    names = tuple(n for n in (full_name.strip(), email.strip()) if n)
    return Person(key=key, label=label, names=names, parts=_parts(full_name))


class Pseudonyms:
    """Replaces the names of `people` by their labels. Matching ignores case ("AMARA OKAFOR",
    "amara.okafor@…"), except for a name part that is also an ordinary word ("Hope", "Will"),
    which is replaced only as written."""

    def __init__(self, people: Iterable[Person]) -> None:
        replacements: dict[str, str] = {}
        part_owner: dict[str, str] = {}
        part_label: dict[str, str] = {}
        for person in people:
            for name in person.names:
                replacements.setdefault(name, person.label)
            for part in person.parts:
                owner = part_owner.setdefault(part.lower(), person.key)
                part_label[part] = person.label if owner == person.key else SHARED_PART
        for part, label in part_label.items():
            replacements.setdefault(part, label)
        self.replacements = replacements
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for text, label in replacements.items():
            # Escaped forms too: the rendered document holds "O&#x27;Brien" for "O'Brien".
            for variant in {text, html.escape(text), html.escape(text, quote=False)}:
                exact.setdefault(variant, label)
                if text.lower() not in ORDINARY:
                    folded.setdefault(variant.lower(), label)
        self._exact = exact
        self._folded = folded
        if exact:
            alternatives = "|".join(re.escape(t) for t in sorted(exact, key=len, reverse=True))
            self._pattern: re.Pattern[str] | None = re.compile(
                rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE
            )
        else:
            self._pattern = None

    def _label(self, match: re.Match[str]) -> str:
        found = match.group(0)
        return self._exact.get(found) or self._folded.get(found.lower()) or found

    def text(self, value: str) -> str:
        """`value` with every known name replaced."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(self._label, value)

    def markup(self, document: str) -> str:
        """An HTML document with the names in its text replaced; tags and attributes untouched."""
        if self._pattern is None:
            return document
        pieces = _TAG.split(document)
        return "".join(piece if piece.startswith("<") else self.text(piece) for piece in pieces)
