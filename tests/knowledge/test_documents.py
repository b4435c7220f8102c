from __future__ import annotations

import pytest

from dashboard.error_table import answer_for
from knowledge.documents import (
    DocumentError,
    add_document,
    delete_document,
    list_documents,
)
from knowledge.extraction import MAX_DOCUMENT_BYTES
from knowledge.retrieval import KnowledgeIndex
from knowledge.store import CHUNKS, DOCUMENTS, ensure_indexes
from knowledge.versions import current_version
from tests.knowledge.pdfs import text_pdf, textless_pdf

FAQ = "Shipping costs $5 and takes 3 days.\n\nReturns are free within 30 days.\n"


async def stored_nothing(db, tenant_id: str = "t1") -> bool:
    return (
        await db[DOCUMENTS].count_documents({"tenant_id": tenant_id}) == 0
        and await db[CHUNKS].count_documents({"tenant_id": tenant_id}) == 0
        and await current_version(db, tenant_id) == 0
    )


async def test_plain_text_is_split_into_searchable_chunks(db):
    await ensure_indexes(db)
    info = await add_document(db, "t1", "faq.txt", "text/plain; charset=utf-8", FAQ.encode())
    assert info.filename == "faq.txt" and info.content_type == "text/plain"
    assert info.size_bytes == len(FAQ.encode()) and info.chunks == 1 and info.tenant_id == "t1"
    chunk = await db[CHUNKS].find_one({"tenant_id": "t1"})
    assert chunk["document_id"] == info.id and chunk["source"] == f"document:{info.id}"
    assert chunk["title"] == "faq.txt" and chunk["ordinal"] == 0 and "Shipping costs $5" in chunk["text"]
    assert await list_documents(db, "t1") == [info]
    assert await current_version(db, "t1") == 1


async def test_long_text_gets_ordered_overlapping_chunks(db):
    text = " ".join(f"Sentence {i} about our handmade candles." for i in range(200))
    info = await add_document(db, "t1", "long.txt", "text/plain", text.encode())
    chunks = [c async for c in db[CHUNKS].find({"tenant_id": "t1"}).sort("ordinal", 1)]
    assert info.chunks == len(chunks) > 5
    assert [c["ordinal"] for c in chunks] == list(range(len(chunks)))
    assert all(len(c["text"]) <= 800 for c in chunks)
    assert chunks[0]["text"].split()[-1] in chunks[1]["text"]  # overlap carries context across the cut


async def test_markdown_by_type_and_by_extension(db):
    by_type = await add_document(db, "t1", "notes", "text/markdown", b"# Hours\nOpen 9 to 5.")
    by_ext = await add_document(db, "t1", "hours.md", "application/octet-stream", b"# Hours\nClosed Sundays.")
    assert by_type.content_type == by_ext.content_type == "text/markdown"
    assert {d.id for d in await list_documents(db, "t1")} == {by_type.id, by_ext.id}


async def test_text_with_byte_order_mark(db):
    info = await add_document(db, "t1", "bom.txt", "text/plain", "\ufeffCafé opens at 8.".encode("utf-8"))
    chunk = await db[CHUNKS].find_one({"document_id": info.id})
    assert chunk["text"] == "Café opens at 8."


async def test_pdf_text_is_extracted(db):
    data = text_pdf(["Premium plan: $29.00 per month", "Refunds within 14 days"])
    info = await add_document(db, "t1", "pricing.pdf", "application/pdf", data)
    assert info.content_type == "application/pdf" and info.chunks == 1
    found = await KnowledgeIndex().search(db, "t1", "premium plan refunds")
    assert found[0].source == f"document:{info.id}" and "$29.00" in found[0].text


@pytest.mark.parametrize(
    ("filename", "content_type", "data", "status", "code"),
    [
        ("empty.txt", "text/plain", b"", 422, "empty_document"),
        ("blank.txt", "text/plain", b" \n\t \r\n", 422, "empty_document"),
        ("broken.pdf", "application/pdf", b"%PDF-1.4\nthis is not really a pdf", 422, "unreadable_pdf"),
        ("half.pdf", "application/pdf", text_pdf(["Half a file"])[:90], 422, "unreadable_pdf"),
        ("scan.pdf", "application/pdf", textless_pdf(), 422, "no_text"),
        ("photo.png", "image/png", b"\x89PNG\r\n\x1a\n....", 415, "unsupported_type"),
        ("sheet.xlsx", "application/octet-stream", b"PK\x03\x04 zip bytes", 415, "unsupported_type"),
        ("latin1.txt", "text/plain", "Preço 10 EUR".encode("latin-1"), 422, "undecodable_text"),
        ("binary.txt", "text/plain", b"abc\x00\x00def", 422, "undecodable_text"),
    ],
)
async def test_refused_files_store_nothing(db, filename, content_type, data, status, code):
    with pytest.raises(DocumentError) as caught:
        await add_document(db, "t1", filename, content_type, data)
    answer = answer_for(caught.value)
    assert (answer.status, answer.code) == (status, code)
    assert answer.message and answer.fields == {"file": answer.message}
    assert await stored_nothing(db)


async def test_oversized_file_is_refused_before_reading(db):
    data = b"a" * (MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(DocumentError) as caught:
        await add_document(db, "t1", "big.txt", "text/plain", data)
    answer = answer_for(caught.value)
    assert answer.status == 413 and answer.message == "The document is too large (at most 10 MB)."
    assert await stored_nothing(db)
    # Exactly the limit is accepted.
    padded = b"Menu of the day" + b" " * (MAX_DOCUMENT_BYTES - 15)
    info = await add_document(db, "t1", "edge.txt", "text/plain", padded)
    assert info.size_bytes == MAX_DOCUMENT_BYTES


async def test_delete_removes_chunks_from_search_at_once(db):
    index = KnowledgeIndex()
    keep = await add_document(db, "t1", "hours.txt", "text/plain", b"We open at 9 every day.")
    gone = await add_document(db, "t1", "faq.txt", "text/plain", FAQ.encode())
    assert (await index.search(db, "t1", "shipping cost"))[0].source == f"document:{gone.id}"

    assert await delete_document(db, "t2", gone.id) is False  # another tenant cannot
    assert await delete_document(db, "t1", gone.id) is True
    assert await index.search(db, "t1", "shipping cost") == []
    assert await db[CHUNKS].count_documents({"document_id": gone.id}) == 0
    assert [d.id for d in await list_documents(db, "t1")] == [keep.id]
    assert await delete_document(db, "t1", gone.id) is False


async def test_documents_are_listed_per_tenant_newest_first(db):
    first = await add_document(db, "t1", "a.txt", "text/plain", b"alpha")
    second = await add_document(db, "t1", "b.txt", "text/plain", b"beta")
    await add_document(db, "t2", "c.txt", "text/plain", b"gamma")
    listed = await list_documents(db, "t1")
    assert {d.id for d in listed} == {first.id, second.id}
    assert listed[0].created_at >= listed[1].created_at


async def test_path_in_filename_is_dropped(db):
    info = await add_document(db, "t1", "C:\\Users\\dana\\menu.txt", "text/plain", b"Soup of the day")
    assert info.filename == "menu.txt"
