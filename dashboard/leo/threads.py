"""Leo's threads: each owner's questions and answers, one document per turn (`leo_turns`), so a follow-up ("and on
Instagram?") is read after the question before it. A thread belongs to one owner of one tenant."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from dashboard.leo.question import Question
from knowledge.db import Db

HISTORY_TURNS = 6


@dataclass(frozen=True)
class Turn:
    asked: str
    reply: str
    question: Question
    source: str  # "model" or "offline"
    at: datetime


async def ensure_indexes(db: Db) -> None:
    await db.leo_turns.create_indexes([IndexModel([("tenant_id", ASCENDING), ("thread_id", ASCENDING), ("seq", ASCENDING)])])


def new_thread_id() -> str:
    return "th_" + uuid.uuid4().hex[:24]


async def thread_turns(db: Db, tenant_id: str, owner_id: str, thread_id: str) -> list[Turn] | None:
    """The thread's latest turns, oldest first; None when this owner has no such thread."""
    cursor = db.leo_turns.find({"tenant_id": tenant_id, "owner_id": owner_id, "thread_id": thread_id}).sort("seq", DESCENDING)
    docs = [doc async for doc in cursor.limit(HISTORY_TURNS)]
    if not docs:
        return None
    return [_turn(doc) for doc in reversed(docs)]


def _turn(doc: dict[str, Any]) -> Turn:
    return Turn(
        asked=doc["asked"], reply=doc["reply"], question=Question.from_doc(doc["question"]), source=doc["source"], at=doc["at"]
    )


async def save_turn(db: Db, tenant_id: str, owner_id: str, thread_id: str, turn: Turn) -> None:
    await db.leo_turns.insert_one(
        {
            # `seq` orders the turns even when two share a time (a clock's resolution, a test's fixed clock).
            "_id": uuid.uuid4().hex,
            "tenant_id": tenant_id,
            "owner_id": owner_id,
            "thread_id": thread_id,
            "at": turn.at,
            "seq": time.time_ns(),
            "asked": turn.asked,
            "reply": turn.reply,
            "question": turn.question.to_doc(),
            "source": turn.source,
        }
    )


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove every owner's threads with Leo (a deleted account): they quote customers by name."""
    return int((await db.leo_turns.delete_many({"tenant_id": tenant_id})).deleted_count)
