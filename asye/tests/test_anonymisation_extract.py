"""Reading the words inside attachments, bounded, and scanning them with the file's name."""

import io
import time
import zipfile

import pytest
from pypdf import PdfWriter

from asye.anonymisation import FlagKind, extract_text, scan_document, scan_filename
from asye.anonymisation import extract as extract_module

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(*paragraphs: str, extra: dict[str, str] | None = None, skip_document: bool = False) -> bytes:
    """A Word document as Word writes one, reduced to the parts the guard reads."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{paragraph}</w:t></w:r></w:p>' for paragraph in paragraphs
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if not skip_document:
            archive.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        for name, xml in (extra or {}).items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def pdf(*pages: str) -> bytes:
    """A PDF with one line of text on each page, objects and cross-reference table written out."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        page_number = len(objects) + 1
        kids.append(f"{page_number} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_number + 1} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content.decode('latin-1')}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- Word --------------------------------------------------------------------------------------


def test_a_word_document_gives_its_paragraphs_headers_and_comments() -> None:
    data = docx(
        "I visited Sarah Jones &amp; her son.",
        "Her mobile is 07700 900123.",
        extra={
            "word/header1.xml": f"<w:hdr {W}><w:p><w:r><w:t>Case CR-204518</w:t></w:r></w:p></w:hdr>",
            "word/comments.xml": f"<w:comments {W}><w:p><w:r><w:t>Ask Priya</w:t></w:r></w:p></w:comments>",
            "word/media/image1.xml": "<w:t>not read</w:t>",
        },
    )
    extraction = extract_text(data, DOCX)
    assert extraction.readable
    assert not extraction.truncated
    assert extraction.text.splitlines() == [
        "I visited Sarah Jones & her son.",
        "Her mobile is 07700 900123.",
        "Ask Priya",
        "Case CR-204518",
    ]


def test_tabs_and_line_breaks_inside_a_paragraph_keep_words_apart() -> None:
    xml = (
        f"<w:document {W}><w:body><w:p><w:r><w:t>Sarah</w:t><w:tab/><w:t>Jones</w:t><w:br/>"
        "<w:t>Leeds</w:t></w:r></w:p></w:body></w:document>"
    )
    data = docx(extra={"word/document.xml": xml}, skip_document=True)
    assert extract_text(data, DOCX).text == "Sarah\tJones\nLeeds"


def test_a_word_document_without_its_text_part_cannot_be_read() -> None:
    extraction = extract_text(docx(skip_document=True), DOCX)
    assert not extraction.readable
    assert extraction.text == ""
    assert "no text part" in extraction.problem


def test_a_damaged_word_document_cannot_be_read() -> None:
    extraction = extract_text(b"PK\x03\x04 this is not really a zip", DOCX)
    assert not extraction.readable
    assert "damaged" in extraction.problem


def test_a_zip_bomb_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_DOCX_PART_BYTES", 1_000_000)
    # About 1 KB compressed, 5 MB of XML once unpacked.
    xml = (
        f"<w:document {W}><w:body><w:p><w:r><w:t>"
        + "a" * 5_000_000
        + "</w:t></w:r></w:p></w:body></w:document>"
    )
    data = docx(extra={"word/document.xml": xml}, skip_document=True)
    assert len(data) < 20_000
    started = time.perf_counter()
    extraction = extract_text(data, DOCX)
    assert time.perf_counter() - started < 5
    assert extraction.readable
    assert extraction.truncated


# --- PDF ---------------------------------------------------------------------------------------


def test_a_pdf_gives_the_text_of_its_pages() -> None:
    extraction = extract_text(pdf("Visit to Sarah Jones", "NHS number 943 476 5919"), "application/pdf")
    assert extraction.readable
    assert "Sarah Jones" in extraction.text
    assert "943 476 5919" in extraction.text


def test_pages_past_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_PDF_PAGES", 2)
    extraction = extract_text(pdf("page one", "page two", "page three"), "application/pdf")
    assert extraction.truncated
    assert "page two" in extraction.text
    assert "page three" not in extraction.text


def test_a_pdf_with_a_password_cannot_be_read() -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("a secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = extract_text(buffer.getvalue(), "application/pdf")
    assert not extraction.readable
    assert "password" in extraction.problem


def test_a_pdf_without_text_says_to_check_it_by_eye() -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = extract_text(buffer.getvalue(), "application/pdf")
    assert not extraction.readable
    assert "scan or a photo" in extraction.problem


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnothing else", b"%PDF-", b"", b"\x00" * 100])
def test_a_damaged_pdf_cannot_be_read(data: bytes) -> None:
    extraction = extract_text(data, "application/pdf")
    assert not extraction.readable
    assert extraction.problem


# --- Plain text and CSV ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Sarah paid £5".encode(), "Sarah paid £5"),
        ("\ufeffSarah paid £5".encode(), "Sarah paid £5"),  # with a byte order mark
        ("Sarah paid £5".encode("cp1252"), "Sarah paid £5"),  # as older spreadsheets save
    ],
)
def test_plain_text_in_either_encoding(data: bytes, text: str) -> None:
    assert extract_text(data, "text/plain").text == text


def test_a_csv_is_read_as_text() -> None:
    extraction = extract_text(b"name,phone\nSarah Jones,07700 900123\n", "text/csv; charset=utf-8")
    assert extraction.text.startswith("name,phone")


def test_text_past_the_character_limit_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_CHARACTERS", 10)
    extraction = extract_text(b"a" * 100, "text/plain")
    assert extraction.truncated
    assert extraction.text == "a" * 10


def test_a_character_cut_in_two_by_the_limit_is_not_read_as_another_encoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extract_module, "MAX_CHARACTERS", 3)  # so 12 bytes are read
    # "a" and five "é" fill 11 bytes; the twelfth is the first half of the sixth "é".
    extraction = extract_text(("a" + "é" * 7).encode(), "text/plain")
    assert extraction.text == "aéé"
    assert extraction.truncated


# --- Anything else -----------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["image/png", "application/vnd.ms-excel", "application/zip", ""])
def test_other_types_say_the_guard_cannot_read_them(content_type: str) -> None:
    extraction = extract_text(b"\x89PNG\r\n\x1a\n", content_type)
    assert not extraction.readable
    assert "check it yourself" in extraction.problem


def test_a_file_over_the_size_limit_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_INPUT_BYTES", 100)
    extraction = extract_text(b"a" * 101, "text/plain")
    assert not extraction.readable
    assert "too large" in extraction.problem


# --- File names and the whole document ---------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "kind", "flagged"),
    [
        ("Sarah_Jones_visit_notes.docx", FlagKind.PERSON_NAME, "Sarah_Jones"),
        ("visit-notes-priya.pdf", FlagKind.PERSON_NAME, None),  # lower case: not seen (see HARD)
        ("Notes for Kacper.txt", FlagKind.PERSON_NAME, "Kacper"),
        ("DOB 12.03.1980 letter.pdf", FlagKind.DATE_OF_BIRTH, "12.03.1980"),
        ("referral_07700900123.pdf", FlagKind.PHONE, "07700900123"),
        ("case CR-204518.docx", FlagKind.CASE_REFERENCE, "CR-204518"),
    ],
)
def test_file_names(filename: str, kind: FlagKind, flagged: str | None) -> None:
    flags = scan_filename(filename, case_reference_patterns=[r"CR-?\d{6}"])
    found = [flag.text for flag in flags if flag.kind == kind]
    assert found == ([flagged] if flagged else [])
    for flag in flags:
        assert filename[flag.start : flag.end] == flag.text


def test_a_plain_file_name_has_no_flags() -> None:
    assert scan_filename("Critical reflection - month 4.docx") == []
    assert scan_filename("PCF mapping.pdf") == []


def test_scan_document_scans_the_words_and_the_name() -> None:
    result = scan_document(
        docx("I met Sarah Jones, DOB 02/09/2019, at home."),
        DOCX,
        filename="Jones_Sarah.docx",
    )
    assert result.extraction.readable
    assert [(flag.kind, flag.text) for flag in result.text_flags] == [
        (FlagKind.PERSON_NAME, "Sarah Jones"),
        (FlagKind.DATE_OF_BIRTH, "02/09/2019"),
    ]
    assert [flag.text for flag in result.filename_flags] == ["Jones_Sarah"]
    assert result.flags_count == 3


def test_scan_document_of_an_unreadable_file_still_scans_its_name() -> None:
    result = scan_document(b"not a pdf", "application/pdf", filename="Kacper Nowak.pdf")
    assert not result.extraction.readable
    assert result.text_flags == []
    assert [flag.text for flag in result.filename_flags] == ["Kacper Nowak"]
