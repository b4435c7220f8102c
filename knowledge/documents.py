"""Documents an owner uploads (text, Markdown, PDF): checked, turned into text, split into stored chunks.

Every check runs before anything is written, so a refused document leaves no trace.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import PurePosixPath
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from knowledge.chunking import split_text
from knowledge.extraction import DocumentError, check_size, decode_text, document_kind, media_type
from knowledge.models import DocumentInfo
from knowledge.pdf_sandbox import pdf_text_isolated
from knowledge.store import CHUNKS, DOCUMENTS, as_utc, now
from knowledge.versions import bump_version

__all__ = ["DocumentError", "add_document", "delete_document", "document_source", "list_documents"]

MAX_FILENAME = 255
LONG_TEXT = 200_000


def document_source(document_id: str) -> str:
    return f"document:{document_id}"


def _clean_filename(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[:MAX_FILENAME] or "document"


def _stored_type(kind: str, filename: str, content_type: str) -> str:
    declared = media_type(content_type)
    if kind == "pdf":
        return "application/pdf"
    if declared in ("text/markdown", "text/x-markdown") or filename.lower().endswith((".md", ".markdown")):
        return "text/markdown"
    return "text/plain"


def _info(doc: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        id=doc["_id"],
        tenant_id=doc["tenant_id"],
        filename=doc["filename"],
        content_type=doc["content_type"],
        size_bytes=doc["size_bytes"],
        chunks=doc["chunks"],
        created_at=as_utc(doc["created_at"]),
    )


async def _read_text(kind: str, data: bytes) -> str:
    # PDF parsing is CPU work, unbounded for a crafted file: a child process with time and memory limits does it.
    return decode_text(data) if kind == "text" else await pdf_text_isolated(data)


async def add_document(db: AsyncDatabase, tenant_id: str, filename: str, content_type: str, data: bytes) -> DocumentInfo:
    """Store a document's text as searchable chunks; raises DocumentError (413, 415 or 422) for a file that
    cannot be used, leaving nothing stored."""
    name = _clean_filename(filename)
    check_size(data)
    kind = document_kind(name, content_type)
    text = await _read_text(kind, data)
    # Splitting a long text takes a while: keep it off the event loop too.
    pieces = split_text(text) if len(text) < LONG_TEXT else await asyncio.to_thread(split_text, text)
    if not pieces:
        raise DocumentError(422, "no_text", "The document has no text that could be read.")
    document_id = uuid.uuid4().hex
    source = document_source(document_id)
    chunks = [
        {
            "_id": uuid.uuid4().hex,
            "tenant_id": tenant_id,
            "document_id": document_id,
            "source": source,
            "title": name,
            "text": piece,
            "ordinal": ordinal,
        }
        for ordinal, piece in enumerate(pieces)
    ]
    doc = {
        "_id": document_id,
        "tenant_id": tenant_id,
        "filename": name,
        "content_type": _stored_type(kind, name, content_type),
        "size_bytes": len(data),
        "chunks": len(chunks),
        "created_at": now(),
    }
    # Chunks first, then the record that lists the document; on a failure the chunks written so far go again.
    try:
        await db[CHUNKS].insert_many(chunks, ordered=False)
        await db[DOCUMENTS].insert_one(doc)
    except BaseException:
        await db[CHUNKS].delete_many({"tenant_id": tenant_id, "document_id": document_id})
        raise
    await bump_version(db, tenant_id)
    return _info(doc)


async def list_documents(db: AsyncDatabase, tenant_id: str) -> list[DocumentInfo]:
    """The tenant's documents, newest first."""
    cursor = db[DOCUMENTS].find({"tenant_id": tenant_id}).sort([("created_at", -1), ("_id", 1)])
    return [_info(doc) async for doc in cursor]


async def delete_document(db: AsyncDatabase, tenant_id: str, document_id: str) -> bool:
    """Remove a document and its chunks; False when the tenant has no such document."""
    if await db[DOCUMENTS].find_one({"_id": document_id, "tenant_id": tenant_id}, {"_id": 1}) is None:
        return False
    # Chunks first: a document still listed can be deleted again, orphaned chunks could not.
    await db[CHUNKS].delete_many({"tenant_id": tenant_id, "document_id": document_id})
    result = await db[DOCUMENTS].delete_one({"_id": document_id, "tenant_id": tenant_id})
    await bump_version(db, tenant_id)
    return result.deleted_count == 1
