"""How fast the anonymisation guard scans: a 20,000-word portfolio text, and hostile texts.

Counts everything `scan_text` does (every detector, the organisation's case reference patterns,
settling overlaps) after the names list has been loaded once (the first scan in a process pays
for that, about 0.2 s; it is timed separately). Prints the median over the rounds and words per
second, and asserts every planted identifier is flagged each round, so a benchmark that stops
doing the work fails."""

import datetime
import statistics
import time

from asye.anonymisation import FlagKind, scan_text
from asye.anonymisation.names import names_list
from asye.tests.anonymisation_cases import ALL, CASE_REFERENCE_PATTERNS

ROUNDS = 5
WORDS = 20_000
TODAY = datetime.date(2026, 11, 1)


def _portfolio_text() -> tuple[str, int]:
    """Evaluation passages repeated to WORDS words, with how many identifiers they carry."""
    passages: list[str] = []
    planted = 0
    words = 0
    while words < WORDS:
        for case in ALL:
            passages.append(case.text)
            planted += len(case.expected)
            words += len(case.text.split())
            if words >= WORDS:
                break
    return "\n\n".join(passages), planted


def _time(text: str) -> tuple[float, list[float], int]:
    timings = []
    flags = 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        flags = len(scan_text(text, case_reference_patterns=CASE_REFERENCE_PATTERNS, today=TODAY))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings, flags


def test_names_list_load() -> None:
    names_list.cache_clear()
    started = time.perf_counter()
    names = names_list()
    elapsed = time.perf_counter() - started
    print(
        f"\nnames list: {len(names.first_names)} first names, {len(names.surnames)} surnames "
        f"in {elapsed:.3f} s"
    )
    assert len(names.first_names) > 3000


def test_scan_a_portfolio_of_20000_words() -> None:
    text, planted = _portfolio_text()
    names_list()
    median, timings, flags = _time(text)
    words = len(text.split())
    print(
        f"\n{words} words, {len(text)} characters: median {median * 1000:.0f} ms over {ROUNDS} rounds "
        f"({words / median:,.0f} words/s); rounds {', '.join(f'{t * 1000:.0f}' for t in timings)} ms; "
        f"{flags} flags for {planted} planted identifiers"
    )
    # The evaluation's recall is above 0.9 and its precision above 0.95 (see its test).
    assert planted * 0.85 <= flags <= planted * 1.15


def test_scan_hostile_texts() -> None:
    """Texts shaped to slow the detectors down: long runs of digits, of separators between
    digits, of capitalised words and of date-like and email-like fragments."""
    names_list()
    hostile = {
        "digits": "1" * 200_000,
        "spaced digits": "0 " * 100_000,
        "capitalised words": "Sarah " * 40_000,
        "dates": "1/1/1 " * 40_000,
        "at signs": "a@" * 100_000,
        "title case": "The Quick Brown Fox Jumps Over The Lazy Dog " * 5_000,
    }
    for label, text in hostile.items():
        median, _timings, flags = _time(text)
        print(f"\n{label}: {len(text)} characters, median {median * 1000:.0f} ms, {flags} flags")
        assert median < 30, label  # seconds: far above what it takes, far below a hang
    assert scan_text("Sarah " * 3, today=TODAY)[0].kind == FlagKind.PERSON_NAME
