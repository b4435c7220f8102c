"""PDF text extraction in a child process, within a time and a memory limit per document."""

from __future__ import annotations

import pytest

from knowledge.extraction import DocumentError
from knowledge.pdf_sandbox import PdfSandbox
from tests.knowledge.pdf_bombs import decompression_bomb, text_operators_pdf
from tests.knowledge.pdfs import text_pdf


async def test_a_pdf_is_read_in_the_sandbox() -> None:
    assert "Free returns within 30 days" in await PdfSandbox().text(text_pdf(["Free returns within 30 days"]))


async def test_a_broken_pdf_is_unreadable() -> None:
    with pytest.raises(DocumentError) as refused:
        await PdfSandbox().text(b"%PDF-1.4\nnot really a pdf")
    assert refused.value.kind == "unreadable_pdf"


async def test_a_pdf_past_the_time_limit_is_refused_and_its_reader_stopped() -> None:
    sandbox = PdfSandbox(time_limit_s=1)
    with pytest.raises(DocumentError) as refused:
        await sandbox.text(text_operators_pdf())
    assert refused.value.kind == "pdf_too_complex"
    assert refused.value.params == {"seconds": "1"}
    assert sandbox.reading == 0


async def test_a_decompression_bomb_is_refused_at_the_memory_limit() -> None:
    with pytest.raises(DocumentError) as refused:
        await PdfSandbox().text(decompression_bomb())
    assert refused.value.kind == "pdf_too_large_unpacked"
    assert refused.value.params == {"megabytes": 512}
