"""Who did what on a conversation (MongoDB collection `team_actions`): each take-over, reply, release and sale
made from the inbox names the person, by id and by the email they had then, so the thread still says who
answered after that person has left the team."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from dashboard.team.members import Person
from knowledge.db import Db


class Action(StrEnum):
    takeover = "takeover"
    release = "release"
    reply = "reply"
    sale = "sale"


@dataclass(frozen=True)
class Done:
    action: Action
    person_id: str
    email: str
    at: datetime
    message_id: str = ""  # the reply's message


async def record_action(
    db: Db, person: Person, conversation_id: str, action: Action, *, now: datetime, message_id: str = ""
) -> None:
    doc = {
        "_id": uuid.uuid4().hex,
        "tenant_id": person.tenant_id,
        "conversation_id": conversation_id,
        "action": action.value,
        "person_id": person.id,
        "email": person.email,
        "at_ms": int(now.timestamp() * 1000),
    }
    if message_id:
        doc["message_id"] = message_id
    await db.team_actions.insert_one(doc)


async def actions_of(db: Db, tenant_id: str, conversation_id: str) -> list[Done]:
    """The conversation's actions, oldest first."""
    cursor = db.team_actions.find({"tenant_id": tenant_id, "conversation_id": conversation_id}).sort("at_ms", 1)
    return [
        Done(
            action=Action(doc["action"]),
            person_id=str(doc["person_id"]),
            email=str(doc.get("email", "")),
            at=datetime.fromtimestamp(doc["at_ms"] / 1000, UTC),
            message_id=str(doc.get("message_id", "")),
        )
        async for doc in cursor
    ]
