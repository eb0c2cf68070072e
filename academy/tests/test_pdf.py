"""The core's PDF helper: a template becomes PDF bytes, the print stylesheet is read from the
static files, and nothing is fetched from anywhere else."""

import io
from typing import Any
from urllib import request

import pytest
from django.template import engines
from pypdf import PdfReader

from academy import pdf


def _html(body: str) -> str:
    template = '{% extends "pdf/base.html" %}{% block title %}Test{% endblock %}{% block content %}'
    return engines["django"].from_string(template + body + "{% endblock %}").render({})


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_template_becomes_a_pdf_with_its_text() -> None:
    data = pdf.render_pdf("pdf/base.html", {})
    assert data.startswith(b"%PDF-")
    data = pdf.html_to_pdf(_html("<h1>Learning £ “log”</h1><p>Second paragraph</p>"))
    text = _text(data)
    assert "Learning £ “log”" in text
    assert "Second paragraph" in text


def test_the_print_stylesheet_is_read_from_the_static_files() -> None:
    """The stylesheet's page footer ('Page 1 of 1') is in the PDF only when the CSS was found."""
    assert pdf.static_file_path(pdf.BASE_URL + "static/pdf/academy-print.css") is not None
    assert "Page 1 of 1" in _text(pdf.html_to_pdf(_html("<h1>Styled</h1>")))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        pdf.BASE_URL + "static/../../etc/passwd",
        pdf.BASE_URL + "media/someone-else.png",
    ],
)
def test_nothing_but_static_files_is_fetched(url: str, monkeypatch: Any) -> None:
    opened: list[str] = []

    def refuse(self: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(getattr(url, "full_url", url)))
        raise AssertionError("the PDF helper opened a URL")

    monkeypatch.setattr(request.OpenerDirector, "open", refuse)
    data = pdf.html_to_pdf(
        _html(f'<img src="{url}" alt="x"><link rel="stylesheet" href="{url}"><p>Still made</p>')
    )
    assert "Still made" in _text(data)
    assert opened == []
    assert pdf.static_file_path(url) is None
