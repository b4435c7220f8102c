"""Invitations to join a business (MongoDB collection `team_invites`): a link that works once, for a week.

The link carries a random token; only its SHA-256 is stored (`token_hash`), so a copy of the database opens
no invitation. Whether a link still works is a pure decision on the record and the clock's `now`; taking it
is one conditional update, so of two people pressing "Join" at once, one gets in.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from dashboard.owners import normalize_email
from dashboard.team.policy import Role
from knowledge.db import Db

# Long enough for a salesperson who gets the link on a Friday; short enough that a forgotten one dies.
INVITE_LIFETIME = timedelta(days=7)


class InviteState(StrEnum):
    open = "open"
    used = "used"
    cancelled = "cancelled"  # withdrawn by the owner, or replaced by a newer invitation to the same email
    expired = "expired"  # never stored: an open invitation past its date


@dataclass(frozen=True)
class Invite:
    id: str
    tenant_id: str
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    stored_state: InviteState
    invited_by: str


@dataclass(frozen=True)
class IssuedInvite:
    token: str  # in the link only; never stored
    invite: Invite


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def invite_state(invite: Invite, now: datetime) -> InviteState:
    """Whether the link works at `now`: open until its date (exclusive), then expired; used and withdrawn stay so."""
    if invite.stored_state == InviteState.open and now >= invite.expires_at:
        return InviteState.expired
    return invite.stored_state


def _invite(doc: dict[str, Any]) -> Invite:
    return Invite(
        id=str(doc["_id"]),
        tenant_id=str(doc["tenant_id"]),
        email=str(doc["email"]),
        role=Role(doc.get("role", Role.agent.value)),
        created_at=_from_ms(int(doc["created_at_ms"])),
        expires_at=_from_ms(int(doc["expires_at_ms"])),
        stored_state=InviteState(doc.get("state", InviteState.open.value)),
        invited_by=str(doc.get("invited_by", "")),
    )


async def create_invite(db: Db, tenant_id: str, email: str, *, role: Role, invited_by: str, now: datetime) -> IssuedInvite:
    """A new invitation; an open one to the same email in this business stops working (the newest link counts)."""
    email = normalize_email(email)
    await db.team_invites.update_many(
        {"tenant_id": tenant_id, "email": email, "state": InviteState.open.value},
        {"$set": {"state": InviteState.cancelled.value}},
    )
    token = secrets.token_urlsafe(32)
    doc = {
        "_id": uuid.uuid4().hex,
        "token_hash": token_hash(token),
        "tenant_id": tenant_id,
        "email": email,
        "role": role.value,
        "invited_by": invited_by,
        "state": InviteState.open.value,
        "created_at_ms": _ms(now),
        "expires_at_ms": _ms(now + INVITE_LIFETIME),
    }
    await db.team_invites.insert_one(doc)
    return IssuedInvite(token=token, invite=_invite(doc))


async def find_invite(db: Db, token: str) -> Invite | None:
    """The invitation a link names, whatever its state (the token establishes the business)."""
    doc = await db.team_invites.find_one({"token_hash": token_hash(token)}) if token else None
    return _invite(doc) if doc else None


async def take_invite(db: Db, invite: Invite, *, now: datetime, member_id: str) -> bool:
    """Use the invitation once: True for the one caller whose update found it still open and in date."""
    result = await db.team_invites.update_one(
        {
            "_id": invite.id,
            "tenant_id": invite.tenant_id,
            "state": InviteState.open.value,
            "expires_at_ms": {"$gt": _ms(now)},
        },
        {"$set": {"state": InviteState.used.value, "used_at_ms": _ms(now), "member_id": member_id}},
    )
    return result.modified_count == 1


async def give_back(db: Db, invite: Invite) -> None:
    """Reopen an invitation taken by a join that could not finish (the email had an account meanwhile)."""
    await db.team_invites.update_one(
        {"_id": invite.id, "tenant_id": invite.tenant_id, "state": InviteState.used.value},
        {"$set": {"state": InviteState.open.value}, "$unset": {"used_at_ms": "", "member_id": ""}},
    )


async def open_invites(db: Db, tenant_id: str, *, now: datetime) -> list[Invite]:
    """The business's invitations that still work, newest first."""
    cursor = db.team_invites.find({"tenant_id": tenant_id, "state": InviteState.open.value}).sort("created_at_ms", -1)
    invites = [_invite(doc) async for doc in cursor]
    return [invite for invite in invites if invite_state(invite, now) == InviteState.open]


async def cancel_invite(db: Db, tenant_id: str, invite_id: str) -> bool:
    """Withdraw an open invitation of this business; False when it has none by that id."""
    result = await db.team_invites.update_one(
        {"_id": invite_id, "tenant_id": tenant_id, "state": InviteState.open.value},
        {"$set": {"state": InviteState.cancelled.value}},
    )
    return result.modified_count == 1
