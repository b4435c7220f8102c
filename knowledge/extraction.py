"""Turning an uploaded file into the text stored for it (headings, paragraphs, table rows as sentences), or saying
precisely why it cannot be used."""

from __future__ import annotations

import io
import logging
import math
from pathlib import PurePosixPath
from typing import Any

from pypdf import PageObject, PdfReader

# pypdf's own font metrics (the standard 14 fonts' widths, or the PDF's own), which its text extraction uses too:
# where a piece of text ends decides whether the next one goes on in the same cell or starts the next column.
from pypdf.generic._font import Font

from knowledge.domain_errors import InvalidInput, Param
from knowledge.pdf_layout import Span, document_text
from knowledge.text_structure import markdown_headings, tables_as_sentences, titles_marked

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
PDF_EXTENSIONS = frozenset({".pdf"})
# Types that say nothing about the content: the file name's extension decides.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class DocumentError(InvalidInput):
    """Why a document was refused; the uploaded file is the field at fault."""

    def __init__(self, kind: str, /, **params: Param) -> None:
        super().__init__(kind, {"file": kind}, **params)


def media_type(content_type: str) -> str:
    """ "text/plain; charset=utf-8" -> "text/plain"."""
    return content_type.split(";", 1)[0].strip().lower()


def document_kind(filename: str, content_type: str) -> str:
    """ "text" or "pdf", from the declared type, or from the extension when the type is generic."""
    declared = media_type(content_type)
    if declared in TEXT_TYPES:
        return "text"
    if declared in PDF_TYPES:
        return "pdf"
    if declared in GENERIC_TYPES:
        extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        if extension in TEXT_EXTENSIONS:
            return "text"
        if extension in PDF_EXTENSIONS:
            return "pdf"
    raise DocumentError("unsupported_type")


def decode_text(data: bytes) -> str:
    # utf-8-sig reads plain UTF-8 as well and drops a byte-order mark if there is one.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("undecodable_text") from None
    if "\x00" in text:
        raise DocumentError("not_text")
    return text


def text_document(text: str) -> str:
    """A text or Markdown upload as stored: setext headings and title lines as "## Heading", tables as one
    sentence per row."""
    return titles_marked(tables_as_sentences(markdown_headings(text.replace("\r\n", "\n").replace("\r", "\n"))))


# Text whose baseline rises more than this per unit of advance is set at an angle (about 3 degrees).
UPRIGHT = 0.05
# Text-showing operators (Tj, TJ, ' and ") and form drawing (Do) as they appear in a content stream; searched
# for as plain bytes, which stays fast on a stream of many megabytes.
_SHOWS_TEXT = (b"Tj", b"TJ", b"Do", b"'", b'"')


def _bold(font: Any) -> bool:
    # Font names say their weight the same way in every language ("Helvetica-Bold", "ABCDEE+Roboto-SemiBold").
    name = str(font.get("/BaseFont", "")) if font is not None else ""
    return any(weight in name.lower() for weight in ("bold", "black", "heavy", "semibold", "demi"))


def page_spans(page: PageObject) -> list[Span]:
    """Each piece of text on the page with where it starts and ends, its font size and weight. Text set at an
    angle on a page of upright text (a watermark across the page, a note up its margin) is left out."""
    spans: list[Span] = []
    tilted: list[Span] = []
    widths: dict[int, Font | None] = {}

    def width_of(font: Any, text: str) -> float:
        """The text's width in thousandths of the font size, from the font's own widths."""
        key = id(font)
        if key not in widths:
            try:
                widths[key] = Font.from_font_resource(font) if font is not None else None
            except Exception:  # noqa: BLE001 # a font pypdf cannot measure: an average glyph width below
                widths[key] = None
        measured = widths[key]
        return measured.get_text_width(text) if measured is not None else 500.0 * len(text)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        # The text matrix within the current transformation: where the text starts, and how much it is scaled.
        a, b, c, d, e, f = tm
        ca, cb, cc, cd, ce, cf = cm
        x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
        run_x, run_y = a * ca + b * cc, a * cb + b * cd  # the direction the text runs in
        x_scale = math.hypot(run_x, run_y) or 1.0
        y_scale = math.hypot(c * ca + d * cc, c * cb + d * cd) or 1.0
        found = spans if run_x > 0 and abs(run_y) <= UPRIGHT * run_x else tilted
        for number, part in enumerate(text.split("\n")):
            if part.strip():
                line_y = y - number * size * y_scale * 1.2
                # pypdf puts a space before text that goes on a line; the page does not draw it.
                width = width_of(font, part.lstrip()) / 1000.0 * size * x_scale
                found.append(Span(x, x + width, line_y, round(size * y_scale, 1), _bold(font), part))

    # Given a visitor, pypdf parses every operator of a page, also of one that shows no text (a scan, a drawing):
    # a page whose content neither shows text nor draws a form (which may) is skipped unparsed, as pypdf itself
    # does without a visitor, so megabytes of drawing commands cost milliseconds, not seconds.
    contents = page.get_contents()
    stream = contents.get_data() if contents is not None else b""
    if any(operator in stream for operator in _SHOWS_TEXT):
        page.extract_text(visitor_text=visit)
    if sum(len(span.text) for span in tilted) > sum(len(span.text) for span in spans):
        return [*spans, *tilted]  # a page set at an angle as a whole: read as it is
    return spans


def pdf_text(data: bytes) -> str:
    """The document's text as its author laid it out (see `knowledge.pdf_layout`); raises DocumentError when the
    PDF cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("encrypted_pdf")
        return document_text([page_spans(page) for page in reader.pages])
    except (DocumentError, MemoryError):  # a MemoryError is the sandbox's memory limit, not a damaged file
        raise
    except Exception as exc:  # noqa: BLE001 # pypdf raises many kinds of errors on damaged files
        logger.info("unreadable PDF: %s", type(exc).__name__)
        raise DocumentError("unreadable_pdf") from None


def check_size(data: bytes) -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError("too_large", megabytes=MAX_DOCUMENT_BYTES // (1024 * 1024))
    if not data.strip():
        raise DocumentError("empty_document")
