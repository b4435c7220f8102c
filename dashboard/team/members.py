"""The people of a business (MongoDB collection `owners`): the owner, who has no `role` field, and the agents
who joined through an invitation (`role: "agent"`). Emails are unique across the platform, so a person
belongs to one business."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from dashboard.owners import EmailTaken, normalize_email
from dashboard.team.policy import Role, parse_role
from knowledge.db import Db


@dataclass(frozen=True)
class Person:
    id: str
    tenant_id: str
    email: str
    role: Role
    joined_at: datetime


def _person(doc: dict[str, Any]) -> Person:
    return Person(
        id=str(doc["_id"]),
        tenant_id=str(doc["tenant_id"]),
        email=str(doc.get("email", "")),
        role=parse_role(doc.get("role")),
        joined_at=doc["created_at"],
    )


_FIELDS = {"tenant_id": 1, "email": 1, "role": 1, "created_at": 1}


async def get_person(db: Db, tenant_id: str, person_id: str) -> Person | None:
    """This business's person by id; None for an unknown id, a removed member or another business's person."""
    doc = await db.owners.find_one({"_id": person_id, "tenant_id": tenant_id}, _FIELDS)
    return _person(doc) if doc else None


async def list_people(db: Db, tenant_id: str) -> list[Person]:
    """Everyone who logs in to the business, the owner first, then by the day they joined."""
    people = [_person(doc) async for doc in db.owners.find({"tenant_id": tenant_id}, _FIELDS)]
    return sorted(people, key=lambda p: (p.role != Role.owner, p.joined_at, p.email))


async def email_registered(db: Db, email: str) -> bool:
    return await db.owners.find_one({"email": normalize_email(email)}, {"_id": 1}) is not None


def new_person_id() -> str:
    return uuid.uuid4().hex


async def add_agent(
    db: Db, tenant_id: str, person_id: str, email: str, password_hash: str, *, now: datetime, invited_by: str
) -> Person:
    """A new agent of the business; raises EmailTaken when the email has an account (the unique index decides)."""
    doc = {
        "_id": person_id,
        "email": normalize_email(email),
        "password_hash": password_hash,
        "tenant_id": tenant_id,
        "role": Role.agent.value,
        "invited_by": invited_by,
        "created_at": now,
    }
    try:
        await db.owners.insert_one(doc)
    except DuplicateKeyError:
        raise EmailTaken() from None
    return _person(doc)


async def remove_agent(db: Db, tenant_id: str, person_id: str) -> bool:
    """Delete an agent's record (never the owner's); False when the business has no such agent."""
    result = await db.owners.delete_one({"_id": person_id, "tenant_id": tenant_id, "role": Role.agent.value})
    return result.deleted_count == 1
