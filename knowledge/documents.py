"""Documents an owner uploads (text, Markdown, PDF): checked, read as their author wrote them, split into stored
chunks.

Every check runs before anything is written, so a refused document leaves no trace. The document's text (a text
file's as uploaded, a PDF's as its layout was read) is kept on its record with the version of the reading that
split it (`READING`): when the way documents are read or split changes, a tenant's older documents are read again
from that text (from their chunks, for documents stored before the text was kept) the next time the tenant
uploads one, or by `reread_documents`.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import PurePosixPath
from typing import Any

from knowledge.chunking import CHUNK_OVERLAP, split_text
from knowledge.db import Db
from knowledge.extraction import DocumentError, check_size, decode_text, document_kind, media_type, text_document
from knowledge.models import DocumentInfo
from knowledge.pdf_sandbox import pdf_text_isolated
from knowledge.store import CHUNKS, DOCUMENTS, as_utc, now
from knowledge.text_structure import titles_marked
from knowledge.versions import bump_version

__all__ = ["DocumentError", "add_document", "delete_document", "document_source", "list_documents", "reread_documents"]

MAX_FILENAME = 255
LONG_TEXT = 200_000
# The version of how documents are read and split; documents read by an older one are read again.
READING = 2
SHORTEST_OVERLAP = 8
# The fields a listing shows: never the text, which can be megabytes.
_LISTED = {field: 1 for field in ("tenant_id", "filename", "content_type", "size_bytes", "chunks", "created_at")}


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


async def _source_text(kind: str, data: bytes) -> str:
    """The text a document's reading starts from: a text file's own, a PDF's as its layout was read."""
    # PDF parsing is CPU work, unbounded for a crafted file: a child process with time and memory limits does it.
    return decode_text(data) if kind == "text" else await pdf_text_isolated(data)


async def _split(text: str) -> list[str]:
    # Splitting a long text takes a while: keep it off the event loop too.
    return split_text(text) if len(text) < LONG_TEXT else await asyncio.to_thread(split_text, text)


def _chunks(tenant_id: str, document_id: str, title: str, pieces: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "_id": uuid.uuid4().hex,
            "tenant_id": tenant_id,
            "document_id": document_id,
            "source": document_source(document_id),
            "title": title,
            "text": piece,
            "ordinal": ordinal,
        }
        for ordinal, piece in enumerate(pieces)
    ]


async def add_document(db: Db, tenant_id: str, filename: str, content_type: str, data: bytes) -> DocumentInfo:
    """Store a document's text as searchable chunks; raises DocumentError (too large, of a type we do not read, or unreadable) for a file that
    cannot be used, leaving nothing stored. The tenant's documents read by an older reading are read again."""
    name = _clean_filename(filename)
    check_size(data)
    kind = document_kind(name, content_type)
    source = await _source_text(kind, data)
    pieces = await _split(text_document(source))
    if not pieces:
        raise DocumentError("no_text")
    document_id = uuid.uuid4().hex
    chunks = _chunks(tenant_id, document_id, name, pieces)
    doc = {
        "_id": document_id,
        "tenant_id": tenant_id,
        "filename": name,
        "content_type": _stored_type(kind, name, content_type),
        "size_bytes": len(data),
        "chunks": len(chunks),
        "created_at": now(),
        "text": source,
        "reading": READING,
    }
    # Chunks first, then the record that lists the document; on a failure the chunks written so far go again.
    try:
        await db[CHUNKS].insert_many(chunks, ordered=False)
        await db[DOCUMENTS].insert_one(doc)
    except BaseException:
        await db[CHUNKS].delete_many({"tenant_id": tenant_id, "document_id": document_id})
        raise
    await reread_documents(db, tenant_id, bump=False)
    await bump_version(db, tenant_id)
    return _info(doc)


async def reread_documents(db: Db, tenant_id: str, *, bump: bool = True) -> int:
    """Read the tenant's documents stored by an older reading again and replace their chunks; how many were."""
    # Compared here rather than with $ne, which the embedded server may answer wrongly for a missing field.
    readings = db[DOCUMENTS].find({"tenant_id": tenant_id}, {"reading": 1})
    stale = [doc async for doc in readings if doc.get("reading") != READING]
    for found in stale:
        doc = await db[DOCUMENTS].find_one({"_id": found["_id"], "tenant_id": tenant_id})
        if doc is None:
            continue  # deleted meanwhile
        text = doc.get("text")
        if not isinstance(text, str):
            cursor = db[CHUNKS].find({"tenant_id": tenant_id, "document_id": doc["_id"]}).sort("ordinal", 1)
            stored = [chunk["text"] async for chunk in cursor]
            text = legacy_text(stored, pdf=doc["content_type"] == "application/pdf")
        pieces = await _split(text_document(text))
        if not pieces:  # nothing readable (a scan stored long ago): its chunks stay as they are
            await db[DOCUMENTS].update_one({"_id": doc["_id"], "tenant_id": tenant_id}, {"$set": {"reading": READING}})
            continue
        old_ids = [
            chunk["_id"] async for chunk in db[CHUNKS].find({"tenant_id": tenant_id, "document_id": doc["_id"]}, {"_id": 1})
        ]
        # New chunks first, then the old ones go: a search meanwhile finds the document twice, never not at all.
        await db[CHUNKS].insert_many(_chunks(tenant_id, doc["_id"], doc["filename"], pieces), ordered=False)
        if old_ids:
            await db[CHUNKS].delete_many({"tenant_id": tenant_id, "_id": {"$in": old_ids}})
        await db[DOCUMENTS].update_one(
            {"_id": doc["_id"], "tenant_id": tenant_id}, {"$set": {"chunks": len(pieces), "text": text, "reading": READING}}
        )
    if stale and bump:
        await bump_version(db, tenant_id)
    return len(stale)


def legacy_text(chunks: list[str], *, pdf: bool) -> str:
    """The text of a document stored before its text was kept, from its chunks in order (their overlaps taken
    out). From a PDF read line by line, page numbers and lines repeated on pages are left out, and a short line
    without a sentence end that precedes a sentence is marked as the heading it was."""
    text = ""
    for chunk in chunks:
        longest = min(len(text), len(chunk), CHUNK_OVERLAP)
        # A few letters in common are chance, not the splitter's overlap.
        overlap = next((size for size in range(longest, SHORTEST_OVERLAP - 1, -1) if text.endswith(chunk[:size])), 0)
        # A cut inside a paragraph keeps its sentence whole; a cut at a paragraph's end keeps the break.
        text = text + chunk[overlap:] if overlap else (f"{text}\n{chunk}" if text else chunk)
    return titles_marked(text, furniture=True) if pdf else text


async def list_documents(db: Db, tenant_id: str) -> list[DocumentInfo]:
    """The tenant's documents, newest first."""
    cursor = db[DOCUMENTS].find({"tenant_id": tenant_id}, _LISTED).sort([("created_at", -1), ("_id", 1)])
    return [_info(doc) async for doc in cursor]


async def delete_document(db: Db, tenant_id: str, document_id: str) -> bool:
    """Remove a document and its chunks; False when the tenant has no such document."""
    if await db[DOCUMENTS].find_one({"_id": document_id, "tenant_id": tenant_id}, {"_id": 1}) is None:
        return False
    # Chunks first: a document still listed can be deleted again, orphaned chunks could not.
    await db[CHUNKS].delete_many({"tenant_id": tenant_id, "document_id": document_id})
    result = await db[DOCUMENTS].delete_one({"_id": document_id, "tenant_id": tenant_id})
    await bump_version(db, tenant_id)
    return result.deleted_count == 1
