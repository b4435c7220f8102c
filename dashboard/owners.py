"""Tenants, their owners and the owners' API tokens (MongoDB collections `tenants`, `owners`, `api_tokens`).

Passwords are kept only as argon2id hashes and API tokens only as SHA-256 hashes (the `_id` of `api_tokens`):
a copy of the database lets nobody log in.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pymongo.errors import DuplicateKeyError

from knowledge.db import Db
from knowledge.domain_errors import Conflict, Refused

DEFAULT_TENANT_SETTINGS: dict[str, Any] = {"pause_minutes": 30, "timezone": "UTC"}


class EmailTaken(Conflict):
    """An account with this email exists already."""

    def __init__(self) -> None:
        super().__init__("email_taken", {"email": "already_registered"})


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
    # The language the owner chose for pages and messages; "" follows the browser.
    language: str = ""


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
    return Owner(
        id=doc["_id"],
        email=doc["email"],
        tenant_id=doc["tenant_id"],
        password_hash=doc["password_hash"],
        language=doc.get("language", ""),
    )


async def create_owner_and_tenant(db: Db, email: str, password_hash: str, business_name: str) -> tuple[Tenant, Owner]:
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
    tenant_doc = {
        "_id": tenant_id,
        "tenant_id": tenant_id,
        "name": business_name,
        "created_at": now,
        "settings": dict(DEFAULT_TENANT_SETTINGS),
    }
    try:
        await db.tenants.insert_one(tenant_doc)
    except Exception:
        await db.owners.delete_one({"_id": owner_doc["_id"], "tenant_id": tenant_id})
        raise
    return _tenant(tenant_doc), _owner(owner_doc)


async def mark_demo_tenant(db: Db, tenant_id: str) -> None:
    """The demo business: its pages say their data is made up."""
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$set": {"settings.demo": True}})


async def find_owner_by_email(db: Db, email: str) -> Owner | None:
    """Look an owner up at login, before any tenant is known."""
    doc = await db.owners.find_one({"email": normalize_email(email)})
    return _owner(doc) if doc else None


async def get_owner(db: Db, tenant_id: str, owner_id: str) -> Owner | None:
    doc = await db.owners.find_one({"_id": owner_id, "tenant_id": tenant_id})
    return _owner(doc) if doc else None


async def set_owner_language(db: Db, tenant_id: str, owner_id: str, language: str) -> None:
    """Save the owner's language; "" goes back to following the browser (no stored empty field)."""
    change = {"$set": {"language": language}} if language else {"$unset": {"language": ""}}
    await db.owners.update_one({"_id": owner_id, "tenant_id": tenant_id}, change)


async def get_tenant(db: Db, tenant_id: str) -> Tenant | None:
    doc = await db.tenants.find_one({"_id": tenant_id, "tenant_id": tenant_id})
    return _tenant(doc) if doc else None


async def set_facebook_user(db: Db, tenant_id: str, facebook_user_id: str) -> None:
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$set": {"facebook_user_id": facebook_user_id}})


async def clear_facebook_user(db: Db, tenant_id: str) -> None:
    await db.tenants.update_one({"_id": tenant_id, "tenant_id": tenant_id}, {"$unset": {"facebook_user_id": ""}})


# Sign-up and login tokens stand for the owner at the keyboard: they live while they are used, like a session,
# and end after this long unused. Named tokens serve scripts: they end on a date the owner sees and chooses.
LOGIN_TOKEN_IDLE = timedelta(days=30)
NAMED_TOKEN_LIFETIME = timedelta(days=90)
MAX_NAMED_TOKEN_LIFETIME = timedelta(days=365)
# A token's last use is written at most this often: a busy script costs no write per request.
LAST_USED_RESOLUTION_MS = 60_000
MAX_NAMED_TOKENS = 50


class TokenKind(StrEnum):
    signup = "signup"  # answered by sign-up; expires after 30 days unused
    login = "login"  # answered by `POST /api/login`; expires after 30 days unused
    named = "named"  # created by the owner with `POST /api/tokens`; expires on its date (90 days unless chosen)


# The kinds whose expiry moves forward with every use.
IDLE_KINDS = frozenset({TokenKind.signup, TokenKind.login})


@dataclass(frozen=True)
class ApiToken:
    """An API token as the owner sees it in the list: never the token itself."""

    id: str
    name: str
    kind: TokenKind
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    token_hash: str
    # None only for a token made before tokens expired, until its next use gives it a date.
    expires_at: datetime | None = None


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once
    info: ApiToken
    expires_at: datetime


class TooManyTokens(Refused):
    """An owner keeps at most `MAX_NAMED_TOKENS` named API tokens."""

    def __init__(self) -> None:
        super().__init__("too_many_tokens", limit=MAX_NAMED_TOKENS)


def public_token_id(digest: str) -> str:
    """The id a token is listed and revoked by: the start of its hash, so no token ever needs rewriting."""
    return digest[:16]


def _api_token(doc: dict[str, Any]) -> ApiToken:
    return ApiToken(
        id=public_token_id(doc["_id"]),
        name=doc.get("name", "API token"),
        kind=_kind(doc),
        hint=doc.get("hint", ""),
        created_at=doc["created_at"],
        last_used_at=_from_ms(doc["last_used_at_ms"]) if "last_used_at_ms" in doc else None,
        token_hash=doc["_id"],
        expires_at=_from_ms(doc["expires_at_ms"]) if "expires_at_ms" in doc else None,
    )


def _to_store(moment: datetime) -> datetime:
    """A time as the store keeps it: UTC, to the millisecond."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# Times that change after insert are integer milliseconds: the embedded server stores a date set by `$set` as text.
def _to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _expired(doc: dict[str, Any], now_ms: int) -> bool:
    return "expires_at_ms" in doc and doc["expires_at_ms"] <= now_ms


def _kind(doc: dict[str, Any]) -> TokenKind:
    return TokenKind(doc.get("kind", TokenKind.login.value))


def token_expiry(kind: TokenKind, used_at: datetime, lifetime: timedelta | None = None) -> datetime:
    """When a token of this kind, issued or last used at `used_at`, stops working: 30 days after its last use
    for sign-up and login tokens, its chosen lifetime (90 days unless chosen) after its issue for a named one."""
    if kind in IDLE_KINDS:
        return used_at + LOGIN_TOKEN_IDLE
    return used_at + min(lifetime or NAMED_TOKEN_LIFETIME, MAX_NAMED_TOKEN_LIFETIME)


async def _forget_expired_tokens(db: Db, tenant_id: str, owner_id: str, now_ms: int) -> int:
    """Delete the owner's expired tokens and answer how many named ones are alive. Expired tokens are kept until
    the owner's next token is made, so using one answers "expired" rather than "not valid"."""
    live_named, expired = 0, []
    async for doc in db.api_tokens.find({"tenant_id": tenant_id, "owner_id": owner_id}):
        if _expired(doc, now_ms):
            expired.append(doc["_id"])
        elif _kind(doc) == TokenKind.named:
            live_named += 1
    for digest in expired:
        await db.api_tokens.delete_one({"_id": digest, "tenant_id": tenant_id})
    return live_named


async def issue_token(
    db: Db,
    tenant_id: str,
    owner_id: str,
    *,
    now: datetime,
    kind: TokenKind = TokenKind.named,
    name: str = "",
    lifetime: timedelta | None = None,
) -> IssuedToken:
    """A new API token, issued at `now`; only its hash is stored, so this is the one time it can be read.
    `lifetime` is a named token's (90 days unless given, a year at most)."""
    token = secrets.token_urlsafe(32)
    now = _to_store(now)
    doc: dict[str, Any] = {
        "_id": token_hash(token),
        "tenant_id": tenant_id,
        "owner_id": owner_id,
        "kind": kind.value,
        "name": name or {TokenKind.signup: "Sign-up", TokenKind.login: "Login"}.get(kind, "API token"),
        "hint": "…" + token[-4:],
        "created_at": now,
        "expires_at_ms": _to_ms(token_expiry(kind, now, lifetime)),
    }
    live_named = await _forget_expired_tokens(db, tenant_id, owner_id, _to_ms(now))
    if kind == TokenKind.named and live_named >= MAX_NAMED_TOKENS:
        raise TooManyTokens()
    await db.api_tokens.insert_one(doc)
    return IssuedToken(token=token, info=_api_token(doc), expires_at=_from_ms(doc["expires_at_ms"]))


async def resolve_token(db: Db, token: str, *, now: datetime) -> TokenIdentity | None:
    """Which tenant and owner a bearer token belongs to (the lookup that establishes the tenant) at `now`; notes its
    use, which moves a sign-up or login token's expiry forward. None for an unknown, revoked or expired token."""
    if not token:
        return None
    digest = token_hash(token)
    doc = await db.api_tokens.find_one({"_id": digest})
    if not doc:
        return None
    now_ms = _to_ms(now)
    if _expired(doc, now_ms):
        return None
    if now_ms - doc.get("last_used_at_ms", 0) >= LAST_USED_RESOLUTION_MS:
        update: dict[str, Any] = {"last_used_at_ms": now_ms}
        # A token made before tokens expired gets its date at its first use since (no script breaks on the day
        # of the upgrade); a named token's date never moves after that.
        if _kind(doc) in IDLE_KINDS or "expires_at_ms" not in doc:
            update["expires_at_ms"] = _to_ms(token_expiry(_kind(doc), now))
        await db.api_tokens.update_one({"_id": digest, "tenant_id": doc["tenant_id"]}, {"$set": update})
    return TokenIdentity(tenant_id=doc["tenant_id"], owner_id=doc["owner_id"], token_hash=digest)


async def token_expired(db: Db, token: str, *, now: datetime) -> bool:
    """Whether this token was a real one that has expired (read only to tell the caller why it was refused)."""
    doc = await db.api_tokens.find_one({"_id": token_hash(token)}) if token else None
    return doc is not None and _expired(doc, _to_ms(now))


async def list_tokens(db: Db, tenant_id: str, owner_id: str, *, now: datetime) -> list[ApiToken]:
    """The owner's API tokens still alive at `now`, newest first."""
    now_ms = _to_ms(now)
    cursor = db.api_tokens.find({"tenant_id": tenant_id, "owner_id": owner_id}).sort([("created_at", -1), ("_id", 1)])
    return [_api_token(doc) async for doc in cursor if not _expired(doc, now_ms)]


async def revoke_token(db: Db, tenant_id: str, digest: str) -> None:
    await db.api_tokens.delete_one({"_id": digest, "tenant_id": tenant_id})


async def revoke_token_by_id(db: Db, tenant_id: str, owner_id: str, token_id: str, *, now: datetime) -> bool:
    """Revoke the owner's token listed under `token_id`; False when they have none by that id."""
    for token in await list_tokens(db, tenant_id, owner_id, now=now):
        if token.id == token_id:
            result = await db.api_tokens.delete_one({"_id": token.token_hash, "tenant_id": tenant_id, "owner_id": owner_id})
            return result.deleted_count == 1
    return False


async def revoke_other_tokens(db: Db, tenant_id: str, owner_id: str, keep_digest: str = "") -> int:
    """Revoke every token of the owner but `keep_digest` (the one making the call, if any); returns how many."""
    query: dict[str, Any] = {"tenant_id": tenant_id, "owner_id": owner_id}
    if keep_digest:
        query["_id"] = {"$nin": [keep_digest]}
    result = await db.api_tokens.delete_many(query)
    return int(result.deleted_count)


async def set_password_hash(db: Db, tenant_id: str, owner_id: str, password_hash: str) -> None:
    await db.owners.update_one({"_id": owner_id, "tenant_id": tenant_id}, {"$set": {"password_hash": password_hash}})
