"""Connected accounts: a tenant's Facebook pages, Instagram accounts and WhatsApp numbers, tokens encrypted.

Collection `channel_accounts`, one document per account:
`{_id, tenant_id, platform, account_id, token_encrypted, status, name, connected_at, updated_at,
last_error?, last_error_code?, last_success_at_ms?, failing_since_ms?, failing_problem?, webhooks_problem?}`: three of
the last four are what its sends recorded (see `health.py`), `webhooks_problem` why Meta would not send us its
webhooks (see `subscriptions.py`). An account (platform + account id) belongs to one tenant at most: the
unique index is what routes each webhook event to exactly one tenant.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from channels.crypto import TokenCipher
from channels.errors import AccountTaken, ConnectionRefused
from channels.health import ChannelHealth, health_of, success_worth_noting
from channels.registry import platform_keys
from knowledge.db import Db

COLLECTION = "channel_accounts"

Status = Literal["connected", "needs_reconnect"]

# Page ids, Instagram account ids and WhatsApp phone number ids are all numeric Graph ids.
_ACCOUNT_ID = re.compile(r"^[0-9]{1,32}$")
_MAX_TOKEN_LENGTH = 4096
_MAX_NAME_LENGTH = 200
_MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class ChannelAccount:
    id: str
    tenant_id: str
    platform: str  # a `Platform` value for Meta's channels
    account_id: str
    token_encrypted: str
    status: Status
    name: str
    connected_at: datetime
    updated_at: datetime
    last_error: str = ""
    last_error_code: int = 0
    last_success_at_ms: int = 0
    failing_since_ms: int = 0
    failing_problem: str = ""
    webhooks_problem: str = ""  # a `Problem`: Meta refused to send us this account's webhooks
    # WhatsApp: the business account (WABA) the number belongs to, where its message templates are listed; the
    # owner names it once, as Meta's number credentials do not.
    business_account_id: str = ""

    @property
    def health(self) -> ChannelHealth:
        return health_of(
            platform=self.platform,
            status=self.status,
            last_success_ms=self.last_success_at_ms,
            failing_since_ms=self.failing_since_ms,
            problem=self.failing_problem,
        )


def _utc(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return datetime.fromtimestamp(0, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def account_from_doc(doc: dict[str, Any]) -> ChannelAccount:
    return ChannelAccount(
        id=doc["_id"],
        tenant_id=doc["tenant_id"],
        platform=doc["platform"],
        account_id=doc["account_id"],
        token_encrypted=doc.get("token_encrypted", ""),
        status=doc.get("status", "connected"),
        name=doc.get("name", ""),
        connected_at=_utc(doc.get("connected_at")),
        updated_at=_utc(doc.get("updated_at") or doc.get("connected_at")),
        last_error=doc.get("last_error", ""),
        last_error_code=doc.get("last_error_code", 0),
        last_success_at_ms=int(doc.get("last_success_at_ms", 0) or 0),
        failing_since_ms=int(doc.get("failing_since_ms", 0) or 0),
        failing_problem=doc.get("failing_problem", ""),
        webhooks_problem=doc.get("webhooks_problem", ""),
        business_account_id=doc.get("business_account_id", ""),
    )


async def ensure_indexes(db: Db) -> None:
    await db[COLLECTION].create_indexes(
        [
            IndexModel([("platform", ASCENDING), ("account_id", ASCENDING)], unique=True, name="platform_account_unique"),
            IndexModel([("tenant_id", ASCENDING), ("connected_at", ASCENDING)], name="tenant_connected"),
        ]
    )


def validate_connection(platform: str, account_id: str, access_token: str, name: str = "") -> dict[str, str]:
    """Field problems of a connect request, each field with the kind of its problem (empty when it is fine)."""
    fields: dict[str, str] = {}
    if platform not in platform_keys():
        fields["platform"] = "choice"
    if not _ACCOUNT_ID.match(account_id or ""):
        fields["account_id"] = "account_id_digits"
    token = access_token or ""
    if not token.strip():
        fields["access_token"] = "required"
    elif len(token) > _MAX_TOKEN_LENGTH or any(char.isspace() for char in token):
        fields["access_token"] = "not_a_token"
    if len(name) > _MAX_NAME_LENGTH:
        fields["name"] = "string_too_long"
    return fields


def invalid_connection(fields: dict[str, str]) -> ConnectionRefused:
    """The refusal of a connect request whose `fields` (from `validate_connection`) are wrong."""
    return ConnectionRefused("invalid", fields, expected=", ".join(platform_keys()), max_length=_MAX_NAME_LENGTH)


async def connect_account(
    db: Db,
    cipher: TokenCipher,
    tenant_id: str,
    platform: str,
    account_id: str,
    access_token: str,
    name: str = "",
) -> ChannelAccount:
    """Connect an account to this tenant, or renew its token if the tenant already has it.

    ConnectionRefused for bad input, AccountTaken when another tenant has connected the same account.
    """
    fields = validate_connection(platform, account_id, access_token, name)
    if fields:
        raise invalid_connection(fields)
    name = name.strip()
    for _ in range(2):
        # Unscoped on purpose: the account may belong to another tenant, which is the conflict to report.
        existing = await db[COLLECTION].find_one({"platform": platform, "account_id": account_id})
        if existing is not None:
            if existing["tenant_id"] != tenant_id:
                raise AccountTaken("account_taken", {"account_id": "connected_elsewhere"})
            return await _renew(db, cipher, existing, access_token, name)
        now = datetime.now(UTC)
        doc: dict[str, Any] = {
            "_id": uuid.uuid4().hex,
            "tenant_id": tenant_id,
            "platform": platform,
            "account_id": account_id,
            "token_encrypted": cipher.encrypt(access_token),
            "status": "connected",
            "name": name,
            "connected_at": now,
            "updated_at": now,
        }
        try:
            await db[COLLECTION].insert_one(doc)
        except DuplicateKeyError:
            continue  # connected concurrently: read the winner and decide again
        return account_from_doc(doc)
    raise AccountTaken("account_being_connected")


async def _renew(db: Db, cipher: TokenCipher, existing: dict[str, Any], access_token: str, name: str) -> ChannelAccount:
    changes: dict[str, Any] = {"token_encrypted": cipher.encrypt(access_token), "status": "connected"}
    if name:
        changes["name"] = name
    key = {"_id": existing["_id"], "tenant_id": existing["tenant_id"]}
    await db[COLLECTION].update_one(
        key,
        {
            "$set": changes,
            "$unset": {"last_error": "", "last_error_code": "", "failing_since_ms": "", "failing_problem": ""},
            # Dates are written with $currentDate: the embedded server stores a $set datetime as a string.
            "$currentDate": {"connected_at": True, "updated_at": True},
        },
    )
    renewed = await db[COLLECTION].find_one(key)
    if renewed is None:  # disconnected in between
        raise AccountTaken("account_changed")
    return account_from_doc(renewed)


async def list_accounts(db: Db, tenant_id: str) -> list[ChannelAccount]:
    cursor = db[COLLECTION].find({"tenant_id": tenant_id}).sort([("connected_at", ASCENDING), ("_id", ASCENDING)])
    return [account_from_doc(doc) async for doc in cursor]


async def get_account(db: Db, tenant_id: str, id: str) -> ChannelAccount | None:
    doc = await db[COLLECTION].find_one({"_id": id, "tenant_id": tenant_id})
    return account_from_doc(doc) if doc else None


async def disconnect_account(db: Db, tenant_id: str, id: str) -> bool:
    result = await db[COLLECTION].delete_one({"_id": id, "tenant_id": tenant_id})
    return result.deleted_count == 1


async def find_by_platform_account(db: Db, platform: str, account_id: str) -> ChannelAccount | None:
    """The account a webhook event names, whoever's it is: this lookup is how the tenant is found."""
    if not platform or not account_id:
        return None
    doc = await db[COLLECTION].find_one({"platform": platform, "account_id": account_id})
    return account_from_doc(doc) if doc else None


async def mark_needs_reconnect(db: Db, tenant_id: str, id: str, code: int, message: str) -> bool:
    """Meta refused the token (expired, revoked, permission removed): the owner must connect again."""
    result = await db[COLLECTION].update_one(
        {"_id": id, "tenant_id": tenant_id},
        {
            "$set": {
                "status": "needs_reconnect",
                "last_error": message[:_MAX_ERROR_LENGTH],
                "last_error_code": int(code),
                "failing_problem": "token",
            },
            "$min": {"failing_since_ms": int(datetime.now(UTC).timestamp() * 1000)},
            "$currentDate": {"updated_at": True},
        },
    )
    return result.matched_count == 1


async def note_send_success(db: Db, account: ChannelAccount, now_ms: int) -> None:
    """A send through this account went through: it is healthy again (a token that sends is a working one)."""
    if not success_worth_noting(
        status=account.status,
        last_success_ms=account.last_success_at_ms,
        failing_since_ms=account.failing_since_ms,
        now_ms=now_ms,
    ):
        return
    await db[COLLECTION].update_one(
        {"_id": account.id, "tenant_id": account.tenant_id},
        {
            "$set": {"last_success_at_ms": now_ms, "status": "connected"},
            "$unset": {"failing_since_ms": "", "failing_problem": ""},
        },
    )


async def note_send_trouble(db: Db, account: ChannelAccount, problem: str, now_ms: int) -> None:
    """Sends through this account fail for a reason of the channel's own (Meta unreachable, failing, limiting):
    it shows as failing, since the first such failure, until a send goes through."""
    # $min keeps the first failure's time (and sets it when there is none).
    await db[COLLECTION].update_one(
        {"_id": account.id, "tenant_id": account.tenant_id},
        {"$set": {"failing_problem": problem}, "$min": {"failing_since_ms": now_ms}},
    )


async def note_webhooks(db: Db, tenant_id: str, id: str, problem: str) -> None:
    """What Meta answered when asked to send us the account's webhooks: a kind of problem, or "" for agreed."""
    change = {"$set": {"webhooks_problem": problem}} if problem else {"$unset": {"webhooks_problem": ""}}
    await db[COLLECTION].update_one({"_id": id, "tenant_id": tenant_id}, change)


async def set_business_account(db: Db, account: ChannelAccount, business_account_id: str) -> None:
    await db[COLLECTION].update_one(
        {"_id": account.id, "tenant_id": account.tenant_id}, {"$set": {"business_account_id": business_account_id}}
    )


def account_token(cipher: TokenCipher, account: ChannelAccount) -> str:
    return cipher.decrypt(account.token_encrypted)


async def troubled_since(db: Db, since_ms: int, *, limit: int = 1000) -> list[ChannelAccount]:
    """Accounts of any business whose sends began failing (or whose token was refused) after `since_ms`."""
    cursor = db[COLLECTION].find({"failing_since_ms": {"$gt": since_ms}}).limit(limit)
    return [account_from_doc(doc) async for doc in cursor]
