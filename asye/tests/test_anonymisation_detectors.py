"""Each of the guard's detectors on its own, with the edge cases of its rules."""

import ast
import datetime
import itertools
import pathlib
import time

import pytest

from asye import anonymisation
from asye.anonymisation import (
    CaseReferencePatternError,
    Flag,
    FlagKind,
    scan_text,
    validate_case_reference_pattern,
)
from asye.anonymisation import case_references as case_reference_module
from asye.anonymisation.numbers import nhs_check_digit_ok

from .anonymisation_cases import ALL, CASE_REFERENCE_PATTERNS, TODAY

TODAY_2026 = datetime.date(2026, 11, 1)


def kinds(text: str, **options: object) -> list[tuple[FlagKind, str]]:
    options.setdefault("today", TODAY_2026)
    return [(flag.kind, flag.text) for flag in scan_text(text, **options)]  # type: ignore[arg-type]


def found(text: str, kind: FlagKind, **options: object) -> list[str]:
    return [value for flag_kind, value in kinds(text, **options) if flag_kind == kind]


# --- NHS numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11-2 = 9
        ("9434765918", False),  # the same with the wrong check digit
        ("4505356825", True),
        ("4505356826", False),
        ("1000000001", True),  # sum 10, remainder 10, check 11 - 10 = 1
        ("2000000010", True),  # sum 20 + 1*2 = 22, remainder 0: 11, which counts as 0
        ("2000000011", False),
        ("0000000000", False),  # passes the sum, but one repeated digit is never issued
        ("5555555555", False),
        ("100000001", False),  # nine digits
        ("10000000100", False),  # eleven
        ("12345678AB", False),
    ],
)
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert nhs_check_digit_ok(digits) is valid


def test_a_check_digit_of_ten_means_no_such_number() -> None:
    # 1*10 + 1*2 = 12 leaves remainder 1: the check digit would be 11 - 1 = 10, so no number
    # starts with these nine digits.
    first_nine = "100000001"
    assert not any(nhs_check_digit_ok(first_nine + str(digit)) for digit in range(10))


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9434765919"])
def test_nhs_numbers_in_their_usual_spacings(written: str) -> None:
    assert found(f"NHS number {written} on the letter", FlagKind.NHS_NUMBER) == [written]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 on the letter",  # check digit wrong
        "NHS number 943 476-5919 on the letter",  # separators that do not agree
        "order 19434765919 was delivered",  # inside a longer number
        "code 9434765919X",
    ],
)
def test_not_nhs_numbers(text: str) -> None:
    assert found(text, FlagKind.NHS_NUMBER) == []


# --- National Insurance numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["JG103721B", "JG 10 37 21 B", "jg 103721 b", "AB 12 34 56 A", "TW123456D"]
)
def test_national_insurance_numbers(written: str) -> None:
    assert found(f"Her number is {written} today", FlagKind.NI_NUMBER) == [written]


@pytest.mark.parametrize(
    "written",
    [
        "DA123456A",  # D never starts one
        "FA123456A",
        "IA123456A",
        "QQ123456C",  # HMRC's own example
        "UA123456A",
        "VA123456A",
        "AO123456A",  # O never second
        "AD123456A",
        "BG123456A",  # prefixes never allocated
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        "AB123456E",  # the suffix is A to D
        "AB1234567A",
    ],
)
def test_shapes_that_are_not_national_insurance_numbers(written: str) -> None:
    assert found(f"The code was {written} today", FlagKind.NI_NUMBER) == []


def test_the_suffix_may_be_left_off_only_after_words_that_say_what_it_is() -> None:
    assert found("Stock item AB 12 34 56 is out", FlagKind.NI_NUMBER) == []
    assert found("His National Insurance number is AB 12 34 56.", FlagKind.NI_NUMBER) == ["AB 12 34 56"]
    assert found("NI no: AB123456", FlagKind.NI_NUMBER) == ["AB123456"]


# --- Postcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA", "SW1A1AA", "ls6 2ab"],
)
def test_postcodes_in_every_format(written: str) -> None:
    assert found(f"They moved to {written} in May", FlagKind.POSTCODE) == [written]


@pytest.mark.parametrize(
    "text",
    [
        "mapped to PCF 2018 and KSS 2015",
        "the office in the M1 district",
        "QA1 1AA is not a postcode",  # Q never starts one
        "AA1 1CA is not one either",  # C is not used in the inward code
        "Am1 2ab mixed case",
        "in B15 somewhere",
    ],
)
def test_not_postcodes(text: str) -> None:
    assert found(text, FlagKind.POSTCODE) == []


# --- Phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "020 7946 0000",
        "0161 496 0000",
        "01632 960000",
        "016977 3456",  # a ten-digit number in one of the small exchanges
        "(0161) 496 0000",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0000",
        "0044 20 7946 0000",
        "0300 123 4567",
    ],
)
def test_uk_phone_numbers(written: str) -> None:
    assert found(f"Call {written} after five", FlagKind.PHONE) == [written]


@pytest.mark.parametrize(
    "text",
    [
        "The helpline is 0800 123 4567",  # freephone: an organisation's
        "Advice on 0808 800 5000",
        "The service line 0845 600 1234",
        "Premium 0906 123 4567",
        "Short 07700 9001",
        "Too long 077009001234567",
        "We had 12 visits, 3 meetings and 4 phone calls in 6 weeks",
        "Dated 01-02-2023",
    ],
)
def test_not_personal_phone_numbers(text: str) -> None:
    assert found(text, FlagKind.PHONE) == []


def test_a_following_number_is_not_taken_into_the_phone_number() -> None:
    assert found("Ring 07700 900123 2 times", FlagKind.PHONE) == ["07700 900123"]


# --- Email addresses ---------------------------------------------------------------------------


def test_email_addresses() -> None:
    text = "Write to jade.m1987@example.com or o'neill+asye@mail.example.co.uk, not to @someone."
    assert found(text, FlagKind.EMAIL) == ["jade.m1987@example.com", "o'neill+asye@mail.example.co.uk"]


def test_a_name_inside_an_email_address_is_flagged_once_as_the_address() -> None:
    assert kinds("I wrote to sarah.jones@example.com yesterday.") == [
        (FlagKind.EMAIL, "sarah.jones@example.com")
    ]


# --- Dates of birth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 02/09/2019, youngest child", "02/09/2019"),
        ("D.O.B.: 2.9.19", "2.9.19"),
        ("Date of birth - 1985-06-30", "1985-06-30"),
        ("she was born on 17 May 1987", "17 May 1987"),
        ("born 4th July 1941 in Leeds", "4th July 1941"),
        ("her birthday is 23rd November", "23rd November"),
        ("expected to be born on 3 March 2027", "3 March 2027"),  # a baby due: still identifying
        ("12/03/2015 (DOB)", "12/03/2015"),
        ("born on March 4, 2001", "March 4, 2001"),
    ],
)
def test_dates_given_as_dates_of_birth(text: str, date: str) -> None:
    assert found(text, FlagKind.DATE_OF_BIRTH) == [date]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("On 14/02/1979 she married", True),  # long ago: may well be a birth date
        ("On 14/02/1912 she was evacuated", False),  # more than 110 years ago
        ("We met on 14/10/2026", False),  # recent: an event
        ("The review is booked for 12 January 2027", False),  # future
        ("The referral came on 3 March 2017", False),  # nine years ago
        ("The referral came on 30 October 2016", True),  # just over ten years
        ("The Care Act 2014 came into force on 1 April 2015", False),
        ("On 31/02/1980 nothing happened", False),  # no such day
        ("Reference 12/13/1980", False),  # day first: no thirteenth month
        ("On 14/02/79 she married", True),  # a two-digit year after this year's: last century
    ],
)
def test_dates_without_words_that_say_birth(text: str, flagged: bool) -> None:
    assert bool(found(text, FlagKind.DATE_OF_BIRTH)) is flagged


def test_a_two_digit_year_up_to_this_years_is_this_century() -> None:
    assert found("born 1/1/26", FlagKind.DATE_OF_BIRTH) == ["1/1/26"]
    # 26 is this year (2026): without "born" it is recent, so not flagged.
    assert found("visit 1/1/26", FlagKind.DATE_OF_BIRTH) == []


def test_today_on_a_leap_day() -> None:
    # Ten years before 29 February 2028 is taken as 28 February 2018.
    leap_day = datetime.date(2028, 2, 29)
    assert found("On 28 February 2018 we met", FlagKind.DATE_OF_BIRTH, today=leap_day) == ["28 February 2018"]
    assert found("On 1 March 2018 we met", FlagKind.DATE_OF_BIRTH, today=leap_day) == []


def test_today_defaults_to_the_local_date() -> None:
    assert scan_text("born on 17 May 1987")[0].kind == FlagKind.DATE_OF_BIRTH


# --- Case references ---------------------------------------------------------------------------


def test_case_references_match_whole_tokens_without_regard_to_case() -> None:
    text = "Files CR-204518, cr204519 and XCR-204520 and CR-2045210."
    assert found(text, FlagKind.CASE_REFERENCE, case_reference_patterns=[r"CR-?\d{6}"]) == [
        "CR-204518",
        "cr204519",
    ]


def test_no_patterns_no_case_references() -> None:
    assert found("File CR-204518", FlagKind.CASE_REFERENCE) == []


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "Enter a pattern"),
        ("   ", "Enter a pattern"),
        ("A" * 101, "at most 100"),
        (r"CR(?=\d)", "look-aheads"),
        (r"(?<!X)CR\d+", "look-behinds"),
        (r"(?P<n>\d)(?P=n)", "named groups"),
        (r"(\d)\1", "back-references"),
        (r"(\d+)+X", "repeat a group"),
        (r"(a|ab)*c", "repeat a group"),
        (r"(\w+\s?)+$", "repeat a group"),
        (r"((ab){2,}){3}", "repeat a group"),
        (r"CR[", "not a valid regular expression"),
        (r"\w*", "matches an empty string"),
        (r"[a-z]+", "matches “a”"),
        (r"\d+", "matches “2024”"),
    ],
)
def test_unsafe_or_useless_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(CaseReferencePatternError, match=message.replace("(", r"\(")):
        validate_case_reference_pattern(pattern)


@pytest.mark.parametrize(
    "pattern", [r"CR-?\d{6}", r"LCS\d{7}", r"[A-Z]{2}/\d{4}/\d{3}", r"(?:AS|CS)-\d{5}(?:-[A-Z])?", r"\d{8}"]
)
def test_ordinary_case_reference_formats_are_accepted(pattern: str) -> None:
    assert validate_case_reference_pattern(f" {pattern} ") == pattern


def test_an_unvalidated_pattern_is_refused_when_scanning() -> None:
    with pytest.raises(CaseReferencePatternError):
        scan_text("anything", case_reference_patterns=[r"(a+)+b"])


def test_a_pattern_that_runs_out_of_time_yields_nothing_and_the_scan_finishes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A validated pattern over a long text, with the time limit made too short to finish.
    monkeypatch.setattr(case_reference_module, "MATCH_TIMEOUT_SECONDS", 0.000_001)
    text = "CR-204518 " + "x1 " * 200_000
    started = time.perf_counter()
    flags = scan_text(text, case_reference_patterns=[r"[A-Z0-9]{2,3}-?\d{6}"], today=TODAY_2026)
    assert time.perf_counter() - started < 10
    assert not any(flag.kind == FlagKind.CASE_REFERENCE for flag in flags)
    assert "timed out" in caplog.text


# --- Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I visited Sarah Jones at home.", "Sarah Jones"),
        ("Then Mrs Okafor said she was tired.", "Mrs Okafor"),
        ("I spoke to Dr. Patel about it.", "Dr. Patel"),
        ("I spoke to Mrs A. Patel about it.", "Mrs A. Patel"),
        ("Her son Kacper was quiet.", "Kacper"),
        ("Kacper said he was scared.", "Kacper"),
        ("Kacper's mother was at work.", "Kacper"),
        ("When I arrived, Priya was asleep.", "Priya"),
        ("Priya was asleep when I arrived.", "Priya"),  # a first name starting a sentence
        ("I met Zorblax Quentin at the door.", "Zorblax Quentin"),  # two capitalised words mid-sentence
        ("We talked to O'Brien and his sister.", "O'Brien"),
        ("I met Ama Mensah-Boateng at the hub.", "Ama Mensah-Boateng"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert found(text, FlagKind.PERSON_NAME) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Mrs B asked for a copy of the plan.",  # an initial is already anonymised
        "Child A and Child B live with their mum.",
        "This maps to PCF 5 and the KSS for Adults.",
        "Social Work England sets the standards.",
        "We used Signs of Safety at the Initial Child Protection Conference.",
        "Ferguson (2011) writes about home visits, as do Munro, 2011 and Smith et al.",
        "The family live at 4 Hill View near Oakwood House.",
        "Testvale University and Northfield Locality Team run the course.",
        "Hope is what kept me going.",  # an ordinary word starting a sentence
        "May was a busy month.",
        "Mum said she was tired.",
        "I read the BASW Code of Ethics again.",
        "The Independent Reviewing Officer agreed.",
        "She speaks Polish and Urdu at home and we used WhatsApp.",
    ],
)
def test_not_names(text: str) -> None:
    assert found(text, FlagKind.PERSON_NAME) == []


def test_the_names_list_comes_from_the_package() -> None:
    from asye.anonymisation.names import names_list

    names = names_list()
    assert len(names.first_names) > 3000
    assert len(names.surnames) > 3000
    assert {"sarah", "priya", "kacper", "kwame"} <= names.first_names
    assert {"jones", "patel", "kowalski", "mensah"} <= names.surnames


# --- All together ------------------------------------------------------------------------------


def test_flags_never_overlap_are_in_reading_order_and_quote_the_text() -> None:
    for case in ALL:
        flags = scan_text(case.text, case_reference_patterns=CASE_REFERENCE_PATTERNS, today=TODAY)
        for flag in flags:
            assert case.text[flag.start : flag.end] == flag.text
            assert flag.reason.endswith(".")
            assert flag.start < flag.end
        for earlier, later in itertools.pairwise(flags):
            assert earlier.end <= later.start


def test_the_more_specific_kind_wins_an_overlap() -> None:
    # Ten digits that pass the NHS check and are also a landline's shape: the check digit decides.
    assert nhs_check_digit_ok("0163296006")
    assert kinds("Number 0163296006 here") == [(FlagKind.NHS_NUMBER, "0163296006")]
    assert kinds("Number 0163296007 here") == [(FlagKind.PHONE, "0163296007")]
    # A case reference pattern that also matches an NHS number: the check digit wins.
    assert kinds("Ref 9434765919.", case_reference_patterns=[r"\d{10}"]) == [
        (FlagKind.NHS_NUMBER, "9434765919")
    ]


def test_flag_is_immutable() -> None:
    flag = Flag(0, 5, FlagKind.PERSON_NAME, "Sarah", "A name.")
    with pytest.raises(AttributeError):
        flag.start = 1  # type: ignore[misc]


def test_an_empty_text_has_no_flags() -> None:
    assert scan_text("", today=TODAY_2026) == []


def test_the_package_never_reaches_the_network() -> None:
    """Nothing the guard reads is sent anywhere: no module of the package imports a network
    client."""
    network = {"socket", "ssl", "http", "urllib", "requests", "httpx", "smtplib", "ftplib", "aiohttp"}
    package = pathlib.Path(anonymisation.__file__).parent
    modules = list(package.glob("*.py"))
    assert len(modules) >= 6
    for module in modules:
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not imported & network, (module.name, imported)
