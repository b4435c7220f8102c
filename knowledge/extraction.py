"""Turning an uploaded file into plain text, or saying precisely why it cannot be used."""

from __future__ import annotations

import io
import logging
from pathlib import PurePosixPath

from pypdf import PdfReader

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
PDF_EXTENSIONS = frozenset({".pdf"})
# Types that say nothing about the content: the file name's extension decides.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class DocumentError(Exception):
    """Why a document was refused, in the owner API's error shape."""

    def __init__(self, http_status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.fields = fields if fields is not None else {"file": message}


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
    raise DocumentError(415, "unsupported_type", "Only plain text, Markdown and PDF documents are supported.")


def decode_text(data: bytes) -> str:
    # utf-8-sig reads plain UTF-8 as well and drops a byte-order mark if there is one.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(422, "undecodable_text", "The text is not UTF-8 encoded.") from None
    if "\x00" in text:
        raise DocumentError(422, "undecodable_text", "The file is not a text file.")
    return text


def pdf_text(data: bytes) -> str:
    """The text of every page; raises DocumentError when the PDF cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(422, "encrypted_pdf", "The PDF is password protected.")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (DocumentError, MemoryError):  # a MemoryError is the sandbox's memory limit, not a damaged file
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        logger.info("unreadable PDF: %s", type(exc).__name__)
        raise DocumentError(422, "unreadable_pdf", "The PDF could not be read.") from None


def check_size(data: bytes) -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(413, "too_large", "The document is too large (at most 10 MB).")
    if not data.strip():
        raise DocumentError(422, "empty_document", "The document is empty.")
