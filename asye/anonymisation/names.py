"""Words that look like the names of people.

Two sources of evidence, combined by simple rules rather than a model, so each flag can say why:

* a names list: the first names and surnames that Faker (a maintained, MIT-licensed package)
  ships for English-speaking and other locales common in the UK (see NAME_LOCALES), read once;
* the shape of the text: a capitalised word in the middle of a sentence, a title (Mr, Mrs, Ms,
  Miss, Mx, Dr) before one, a relation before one ("her son Kacper"), or a verb of speech after
  one ("Kacper said").

A run of capitalised words (with initials) is flagged when

1. it starts with a title and goes on with a word, not just an initial ("Mrs Patel" is flagged,
   "Mrs B" is already anonymised and is not);
2. it has two or more words and one is in the names list ("Sarah Jones", "Jones Sarah");
3. it has two or more words in the middle of a sentence that look like names (no stop word, and
   none ending like an ordinary noun or adjective: -tion, -ment, -ing, ...);
4. it is one word in the names list in the middle of a sentence, or at the start of a sentence
   when it is a first name that is not also an ordinary word ("Hope is...");
5. it is one word after a relation ("her son Kacper") or before a verb of speech ("Kacper said"),
   or has "'s" and a relation after it ("Kacper's mother").

Words of social work, its bodies and frameworks, months, days and places never count as names
(see vocabulary.py), so "Social Work England", "PCF" or "Signs of Safety" are not flagged.
"""

import importlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .flags import Flag, FlagKind
from .vocabulary import (
    CALENDAR_WORDS,
    COMMON_WORDS,
    ORDINARY_WORDS,
    PLACE_SUFFIXES,
    RELATION_WORDS,
    SPEECH_VERBS,
    STOP_WORDS,
    TITLES,
)

# Faker locales whose person provider lists names people in the UK commonly have.
NAME_LOCALES = (
    "en_GB", "en_IE", "en_US", "en_NZ", "en_IN", "tw_GH", "yo_NG", "pl_PL", "ro_RO", "lt_LT",
    "cs_CZ", "sk_SK", "hu_HU", "pt_PT", "es_ES", "it_IT", "fr_FR", "de_DE", "tr_TR",
)  # fmt: skip
MAX_NAME_WORDS = 4  # "Mary Anne Smith-Jones" is four; a longer run of capitals is a heading
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ'\u2019-]+$")


@dataclass(frozen=True)
class NamesList:
    first_names: frozenset[str]
    surnames: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.first_names or word in self.surnames


@cache
def names_list() -> NamesList:
    """The first names and surnames, lower case, of every locale in NAME_LOCALES."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            first.update(_usable(getattr(provider, attribute, ())))
        for attribute in (
            "last_names",
            "last_names_male",
            "last_names_female",
            "male_last_names",
            "female_last_names",
            "unisex_last_names",
        ):
            last.update(_usable(getattr(provider, attribute, ())))
    return NamesList(frozenset(first), frozenset(last))


def _usable(names: object) -> Iterator[str]:
    # Providers hold tuples, or dicts of name to weight; either iterates over the names.
    for name in names:  # type: ignore[attr-defined]
        if isinstance(name, str) and len(name) > 1 and _LATIN_NAME.match(name):
            yield name.lower()


# A capitalised word (with O'…, Mc…, hyphenated parts) or an initial, and what follows it.
_WORD = re.compile(
    r"(?<![\w'\u2019@.-])(?P<word>(?:O['\u2019]|D['\u2019]|Mc|Mac)?[A-Z][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?"
    r"(?:-[A-Z][a-zà-ÿ]+)*|[A-Z]\.?(?=\s+[A-Z]))(?P<possessive>['\u2019]s)?(?![\w@])"
)
_ORDINARY_ENDINGS = re.compile(
    r"(?:tion|sion|ment|ness|ity|ing|ance|ence|ship|ful|ive|ous|ary|ory|ical|ial|ism|ist|ies|able|ible"
    r"|ward|wards|ics|ed|ly|ent|ant)$"
)
_CITATION = re.compile(r"(?:['\u2019]s?)?\s*(?:\(\s*(?:19|20)\d\d|,\s*(?:19|20)\d\d\b|et\s+al\b)")
# "Code of Ethics", "Court of Protection", "Department for Education": a name of a thing.
_TITLE_CASE_PHRASE_AFTER = re.compile(r"\s+(?:of|for|and|in|on|to|the)\s+(?:the\s+)?[A-Z]")
_TITLE_CASE_PHRASE_BEFORE = re.compile(r"[A-Z][A-Za-z]*\s+(?:of|for|and|in|on|to|the)\s+(?:the\s+)?$")
_SENTENCE_BREAK = set('.!?:;\n•*\u2013\u2014"“”()[]')


@dataclass
class _Word:
    start: int
    end: int  # without any possessive 's
    text: str
    lower: str
    sentence_start: bool
    possessive: bool

    @property
    def initial(self) -> bool:
        return len(self.text.rstrip(".")) == 1


def _starts_sentence(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in " \t'\u2018\"":
        index -= 1
    # "Mr." ends in a full stop without ending a sentence.
    if index >= 0 and text[index] == "." and _word_before(text, index + 1) in TITLES:
        return False
    # Nor does an initial: "Mrs A. Patel".
    if (
        index >= 1
        and text[index] == "."
        and text[index - 1].isupper()
        and (index < 2 or not text[index - 2].isalpha())
    ):
        return False
    if index < 0 or text[index] in _SENTENCE_BREAK:
        return True
    return text[index] == "-" and (index == 0 or text[index - 1] in "\n ")


def _runs(text: str) -> Iterator[list[_Word]]:
    """Capitalised words next to each other (one space apart), in reading order."""
    run: list[_Word] = []
    for match in _WORD.finditer(text):
        word = _Word(
            start=match.start("word"),
            end=match.end("word"),
            text=match["word"],
            lower=match["word"].lower().rstrip("."),
            sentence_start=_starts_sentence(text, match.start()),
            possessive=match["possessive"] is not None,
        )
        if run:
            gap = text[run[-1].end : word.start]
            joined = gap in (" ", ". ") if run[-1].initial or run[-1].lower in TITLES else gap == " "
            if joined and not run[-1].possessive and not word.sentence_start:
                run.append(word)
                continue
            yield run
        run = [word]
    if run:
        yield run


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([A-Za-z]+)\W{0,2}$", text[max(0, start - 20) : start])
    return match[1].lower() if match else ""


def _word_after(text: str, end: int) -> str:
    match = re.match(r"\W{0,2}([A-Za-z]+)", text[end : end + 20])
    return match[1].lower() if match else ""


def _flag(text: str, words: list[_Word], reason: str) -> Flag:
    start, end = words[0].start, words[-1].end
    return Flag(start, end, FlagKind.PERSON_NAME, text[start:end], reason)


def _split_on_stop_words(run: list[_Word]) -> Iterator[tuple[list[_Word], bool]]:
    """The parts of a run between stop words, each with whether the run is a phrase of practice,
    place or culture words ("Independent Reviewing Officer"): its other words are then only
    names when a names list says so."""
    phrase = any(word.lower in STOP_WORDS and word.lower not in COMMON_WORDS for word in run) and len(run) > 1
    part: list[_Word] = []
    for word in run:
        if word.lower in STOP_WORDS and not (part and part[-1].lower in TITLES and word.lower not in TITLES):
            if part:
                yield part, phrase
            part = [word] if word.lower in TITLES else []
            continue
        part.append(word)
    if part:
        yield part, phrase


def _titled(text: str, run: list[_Word]) -> Flag | None:
    """Rule 1: a title, then at least one word that is not an initial."""
    if len(run) < 2 or run[0].lower not in TITLES:
        return None
    rest = run[1:]
    if all(word.initial for word in rest):
        return None
    first_word = next(word for word in rest if not word.initial)
    if first_word.lower in COMMON_WORDS or first_word.lower in CALENDAR_WORDS:
        return None
    return _flag(text, run, f"A title ({run[0].text.rstrip('.')}) followed by a name.")


def _name_shaped(word: _Word) -> bool:
    return word.initial or not _ORDINARY_ENDINGS.search(word.lower)


def find_names(text: str) -> Iterator[Flag]:
    names = names_list()
    for run in _runs(text):
        # A title inside a run starts a run of its own: "Then Mrs Okafor" is "Then" and "Mrs Okafor".
        title_at = next((i for i, word in enumerate(run) if word.lower in TITLES and i + 1 < len(run)), None)
        if title_at:
            yield from _judge_run(text, run[:title_at], names)
            run = run[title_at:]
        yield from _judge_run(text, run, names)


def _judge_run(text: str, whole_run: list[_Word], names: NamesList) -> Iterator[Flag]:
    if not whole_run:
        return
    titled = _titled(text, whole_run)
    if titled is not None:
        yield titled
        return
    if len(whole_run) > 1 and whole_run[-1].lower in PLACE_SUFFIXES:
        return  # a place or an organisation: "Hill View", "Testvale University"
    for run, phrase in _split_on_stop_words(whole_run):
        if run[0].lower in TITLES:
            continue
        # A capitalised word that only starts the sentence, and is in no list, is not a name.
        if len(run) > 1 and run[0].sentence_start and run[0].lower not in names:
            run = run[1:]
        while run and run[-1].initial:
            run = run[:-1]
        if not run or (len(run) == 1 and run[0].initial):
            continue
        if len(run) > MAX_NAME_WORDS:
            # Longer than a name: a heading in title case. Only its listed words can be names.
            for listed, group in itertools.groupby(run, key=lambda word: word.lower in names):
                if listed:
                    flag = _judge(text, list(group), names, phrase=True)
                    if flag is not None:
                        yield flag
            continue
        flag = _judge(text, run, names, phrase=phrase)
        if flag is not None:
            yield flag


def _judge(text: str, run: list[_Word], names: NamesList, *, phrase: bool) -> Flag | None:
    listed = [word for word in run if word.lower in names and not word.initial]
    mid_sentence = not run[0].sentence_start
    if phrase and not listed:
        return None
    if len(run) > 1:
        if listed:
            return _flag(text, run, "These words look like a person's name (they are in a list of names).")
        if mid_sentence and all(_name_shaped(word) for word in run):
            return _flag(
                text, run, "Capitalised words in the middle of a sentence often are a person's name."
            )
        return None
    word = run[0]
    before, after = _word_before(text, word.start), _word_after(text, word.end)
    if before in RELATION_WORDS and (mid_sentence or listed):
        return _flag(text, run, f"A name often follows “{before}”.")
    if word.possessive and after in RELATION_WORDS:
        return _flag(text, run, f"Someone's {after} is mentioned, so this is likely a name.")
    if after in SPEECH_VERBS and _name_shaped(word):
        return _flag(text, run, f"Someone “{after}” something, so this is likely a name.")
    if listed and mid_sentence and not _citation(text, word.end):
        return _flag(text, run, "This word is in a list of names and is capitalised mid-sentence.")
    if listed and word.lower in names.first_names and word.lower not in ORDINARY_WORDS:
        return _flag(text, run, "This word is in a list of first names.")
    if (
        mid_sentence
        and _name_shaped(word)
        and len(word.text) > 2
        and not _citation(text, word.end)
        and not _TITLE_CASE_PHRASE_AFTER.match(text, word.end)
        and not _TITLE_CASE_PHRASE_BEFORE.search(text, max(0, word.start - 30), word.start)
    ):
        return _flag(text, run, "A capitalised word in the middle of a sentence may be a name.")
    return None


def _citation(text: str, end: int) -> bool:
    """An author cited in the usual ways: "Munro (2011)", "Munro, 2011", "Munro et al."."""
    return bool(_CITATION.match(text, end))
