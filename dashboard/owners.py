"""Tenants, their owners and the owners' API tokens (MongoDB collections `tenants`, `owners`, `api_tokens`).

Passwords are kept only as argon2id hashes and API tokens only as SHA-256 hashes (the `_id` of `api_tokens`):
a copy of the database lets nobody log in.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

DEFAULT_TENANT_SETTINGS: dict[str, Any] = {"pause_minutes": 30, "timezone": "UTC"}


class EmailTaken(Exception):
    http_status = 409
    code = "email_taken"
    message = "an account with this email already exists"
    fields = {"email": "already registered"}


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    created_at: datetime
    settings: dict[str, Any] = field(default_factory=dict)
    facebook_user_id: str = ""


@dataclass(frozen=True)
class Owner:
    id: str
    email: str
    tenant_id: str
    password_hash: str


@dataclass(frozen=True)
class TokenIdentity:
    tenant_id: str
    owner_id: str
    token_hash: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _tenant(doc: dict[str, Any]) -> Tenant:
    return Tenant(
        id=doc["_id"],
        name=doc.get("name", ""),
        created_at=doc["created_at"],
        settings={**DEFAULT_TENANT_SETTINGS, **doc.get("settings", {})},
        facebook_user_id=doc.get("facebook_user_id", ""),
    )


def _owner(doc: dict[str, Any]) -> Owner:
    return Owner(id=doc["_id"], email=doc["email"], tenant_id=doc["tenant_id"], password_hash=doc["password_hash"])


async def create_owner_and_tenant(db: AsyncDatabase, email: str, password_hash: str, business_name: str) -> tuple[Tenant, Owner]:
    """Create a tenant and its first owner; raises EmailTaken when the email is registered already."""
    now = datetime.now(UTC)
    tenant_id = uuid.uuid4().hex
    owner_doc = {
        "_id": uuid.uuid4().hex,
        "email": normalize_email(email),
        "password_hash": password_hash,
        "tenant_id": tenant_id,
        "created_at": now,
    }
    # The owner goes first: its unique email index is what settles a race between two sign-ups.
    try:
        await db.owners.insert_one(owner_doc)
    except DuplicateKeyError:
        raise EmailTaken() from None
    tenant_doc = {"_id": tenant_id, "tenant_id": tenant_id, "name": business_name, "created_at": now, "settings": dict(DEFAULT_TENANT_SETTINGS)}
    try:
        await db.tenants.insert_one(tenant_doc)
    except Exception:
        await db.owners.delete_one({"_id": owner_doc["_id"], "tenant_id": tenant_id})
        raise
    return _tenant(tenant_doc), _owner(owner_doc)


async def mark_demo_tenant(db: AsyncDatabase, tenant_id: str) -> None:
    """The demo business: its pages say their data is made up."""
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$set": {"settings.demo": True}})


async def find_owner_by_email(db: AsyncDatabase, email: str) -> Owner | None:
    """Look an owner up at login, before any tenant is known."""
    doc = await db.owners.find_one({"email": normalize_email(email)})
    return _owner(doc) if doc else None


async def get_owner(db: AsyncDatabase, tenant_id: str, owner_id: str) -> Owner | None:
    doc = await db.owners.find_one({"_id": owner_id, "tenant_id": tenant_id})
    return _owner(doc) if doc else None


async def get_tenant(db: AsyncDatabase, tenant_id: str) -> Tenant | None:
    doc = await db.tenants.find_one({"_id": tenant_id, "tenant_id": tenant_id})
    return _tenant(doc) if doc else None


async def set_facebook_user(db: AsyncDatabase, tenant_id: str, facebook_user_id: str) -> None:
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$set": {"facebook_user_id": facebook_user_id}})


async def clear_facebook_user(db: AsyncDatabase, tenant_id: str) -> None:
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$unset": {"facebook_user_id": ""}})


async def issue_token(db: AsyncDatabase, tenant_id: str, owner_id: str) -> str:
    """A new API token; only its hash is stored, so this is the one time it can be read."""
    token = secrets.token_urlsafe(32)
    await db.api_tokens.insert_one(
        {"_id": token_hash(token), "tenant_id": tenant_id, "owner_id": owner_id, "created_at": datetime.now(UTC)}
    )
    return token


async def resolve_token(db: AsyncDatabase, token: str) -> TokenIdentity | None:
    """Which tenant and owner a bearer token belongs to (the lookup that establishes the tenant)."""
    if not token:
        return None
    digest = token_hash(token)
    doc = await db.api_tokens.find_one({"_id": digest})
    if not doc:
        return None
    return TokenIdentity(tenant_id=doc["tenant_id"], owner_id=doc["owner_id"], token_hash=digest)


async def revoke_token(db: AsyncDatabase, tenant_id: str, digest: str) -> None:
    await db.api_tokens.delete_one({"_id": digest, "tenant_id": tenant_id})
