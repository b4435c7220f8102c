"""Customers' recordings, kept so the owner can listen to them beside their transcript.

GridFS is outside what the embedded store answers, and so are binary values (it stores documents as JSON), so a clip
is its own small collection of pieces: one document `voice_clips` (tenant, conversation, type, size, piece count)
and its bytes in `voice_clip_pieces` as base64 text, at most `PIECE_BYTES` each before encoding (MongoDB's
documents stop at 16 MB; a clip may be 25). Every read is scoped by tenant, so another business's clip id finds
nothing. Ids derive from the message, so a redelivery writes the same clip again.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, IndexModel

from bot.conversations.records import to_ms
from knowledge.db import Db

PIECE_BYTES = 768 * 1024  # a megabyte of base64 text


@dataclass(frozen=True)
class VoiceClip:
    id: str
    conversation_id: str
    mime_type: str
    data: bytes


async def ensure_indexes(db: Db) -> None:
    await db.voice_clips.create_indexes([IndexModel([("tenant_id", ASCENDING)]), IndexModel([("at_ms", ASCENDING)])])
    await db.voice_clip_pieces.create_indexes([IndexModel([("tenant_id", ASCENDING)]), IndexModel([("clip_id", ASCENDING)])])


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    removed = (await db.voice_clip_pieces.delete_many({"tenant_id": tenant_id})).deleted_count
    return removed + (await db.voice_clips.delete_many({"tenant_id": tenant_id})).deleted_count


def clip_id_for(message_id: str) -> str:
    return "clip_" + hashlib.sha256(message_id.encode()).hexdigest()[:32]


async def save_clip(
    db: Db, tenant_id: str, conversation_id: str, clip_id: str, data: bytes, mime_type: str, *, now: datetime
) -> None:
    """Store (or store again) a clip's bytes, then its record: a record is only ever read with all its pieces."""
    pieces = [data[start : start + PIECE_BYTES] for start in range(0, len(data), PIECE_BYTES)] or [b""]
    for index, piece in enumerate(pieces):
        await db.voice_clip_pieces.replace_one(
            {"_id": f"{clip_id}:{index}"},
            {
                "_id": f"{clip_id}:{index}",
                "tenant_id": tenant_id,
                "clip_id": clip_id,
                "n": index,
                "data": base64.b64encode(piece).decode("ascii"),
            },
            upsert=True,
        )
    await db.voice_clips.replace_one(
        {"_id": clip_id},
        {
            "_id": clip_id,
            "tenant_id": tenant_id,
            "conversation_id": conversation_id,
            "mime_type": mime_type,
            "size": len(data),
            "pieces": len(pieces),
            "at_ms": to_ms(now),
        },
        upsert=True,
    )


async def place_clip(db: Db, tenant_id: str, clip_id: str, conversation_id: str) -> None:
    """The conversation of a clip kept before its conversation existed (a first message that was a voice note)."""
    await db.voice_clips.update_one({"_id": clip_id, "tenant_id": tenant_id}, {"$set": {"conversation_id": conversation_id}})


async def get_clip(db: Db, tenant_id: str, clip_id: str) -> VoiceClip | None:
    record = await db.voice_clips.find_one({"_id": clip_id, "tenant_id": tenant_id})
    if record is None:
        return None
    ids = [f"{clip_id}:{index}" for index in range(int(record["pieces"]))]
    found = {
        doc["_id"]: base64.b64decode(doc["data"])
        async for doc in db.voice_clip_pieces.find({"_id": {"$in": ids}, "tenant_id": tenant_id})
    }
    if len(found) != len(ids):
        return None
    return VoiceClip(clip_id, str(record["conversation_id"]), str(record["mime_type"]), b"".join(found[i] for i in ids))


async def delete_clips_before(db: Db, before: datetime) -> int:
    """Clips older than `before` (the messages' retention), pieces first."""
    old = [doc["_id"] async for doc in db.voice_clips.find({"at_ms": {"$lt": to_ms(before)}}, {"_id": 1})]
    if old:
        await db.voice_clip_pieces.delete_many({"clip_id": {"$in": old}})
        await db.voice_clips.delete_many({"_id": {"$in": old}})
    return len(old)
