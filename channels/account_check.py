"""A connected account's token checked with Meta: before a channel is connected by hand, and on a schedule.

The check reads the account itself with the token (`GET /{account_id}?fields=...`): Meta answers only for a token
that may act for that account, so a made-up token (error 190) or another account's token (another id) connects
nothing, and nobody can take a page id they do not hold. Accounts connected through Facebook Login need no check:
their tokens come straight from Meta.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from pymongo import ASCENDING

from channels.accounts import (
    COLLECTION,
    ChannelAccount,
    account_from_doc,
    account_token,
    connect_account,
    invalid_connection,
    mark_needs_reconnect,
    validate_connection,
)
from channels.crypto import TokenCipher, TokenDecryptError
from channels.errors import ConnectionRefused, MetaUnreachable
from channels.graph import GraphClient
from channels.graph_errors import AccessRefused, GraphError
from channels.parsing import as_str
from channels.problems import PASSING_PROBLEMS, problem_of
from channels.registry import channel_for_platform
from channels.subscriptions import subscribe_connected
from knowledge.db import Db

log = logging.getLogger(__name__)

# An owner waits for the answer: a Meta that does not answer in this time is reported as unreachable.
CHECK_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class AccountIdentity:
    account_id: str
    name: str


async def read_account(graph: GraphClient, platform: str, account_id: str, token: str) -> AccountIdentity:
    """The account as Meta shows it to this token; GraphError as Meta answers."""
    # The channel says which fields name the account (its name is stored and shown to the owner) and where the
    # token goes.
    check = channel_for_platform(platform).account_check
    body = await graph.get(f"/{account_id}", params={"fields": check.fields}, token=token, auth=check.auth)
    name = as_str(body.get("name")) or as_str(body.get("verified_name")) or as_str(body.get("display_phone_number"))
    return AccountIdentity(account_id=as_str(body.get("id")), name=name.strip()[:200])


def token_dead(error: GraphError) -> bool:
    """Meta refused the token itself (expired, revoked, never valid, permission gone); not an outage."""
    return isinstance(error, AccessRefused)


def refusal(error: GraphError, platform: str = "facebook") -> ConnectionRefused | MetaUnreachable:
    """What the owner reads when Meta does not accept the token for the account, or cannot be asked. An outage
    names no field: nothing the owner typed is wrong, so the form says what happened instead of "fix the field"."""
    problem = problem_of(error)
    if problem in PASSING_PROBLEMS or error.http_status == 0 or error.http_status >= 500:
        return MetaUnreachable("meta_unreachable", platform=platform)
    return ConnectionRefused("invalid_access_token", {"access_token": "token_not_accepted"}, platform=platform)


async def check_token(graph: GraphClient, platform: str, account_id: str, token: str) -> AccountIdentity:
    """The account's identity, when `token` may act for it; ConnectionRefused (naming the access token) or
    MetaUnreachable otherwise."""
    try:
        identity = await asyncio.wait_for(read_account(graph, platform, account_id, token), CHECK_TIMEOUT_S)
    except GraphError as exc:
        raise refusal(exc, platform) from None
    except TimeoutError:
        raise MetaUnreachable("meta_unreachable_in_time", platform=platform) from None
    if identity.account_id != account_id:
        raise ConnectionRefused("token_of_another_account", {"access_token": "another_account"}, account_id=account_id)
    return identity


async def connect_checked_account(
    db: Db,
    cipher: TokenCipher,
    graph: GraphClient,
    tenant_id: str,
    platform: str,
    account_id: str,
    access_token: str,
    name: str = "",
) -> ChannelAccount:
    """Connect an account by hand once Meta confirmed the token is for it; its name is Meta's unless one is given.

    ConnectionRefused for bad fields or a token Meta refuses, AccountTaken when another business has the account,
    MetaUnreachable when Meta could not be asked. The app is then subscribed to the account's webhooks.
    """
    fields = validate_connection(platform, account_id, access_token, name)
    if fields:  # nothing that is not a plain numeric id ever becomes a Graph path
        raise invalid_connection(fields)
    identity = await check_token(graph, platform, account_id, access_token)
    account = await connect_account(db, cipher, tenant_id, platform, account_id, access_token, name.strip() or identity.name)
    # Connected either way: a token that reads the account is a good one, and the owner reads why no message or
    # comment can arrive yet.
    problem = await subscribe_connected(db, graph, account, access_token)
    return replace(account, webhooks_problem=problem or "")


@dataclass
class RecheckSummary:
    checked: int = 0
    needs_reconnect: int = 0
    unreachable: int = 0
    resubscribed: int = 0


async def recheck_accounts(db: Db, cipher: TokenCipher, graph: GraphClient) -> RecheckSummary:
    """Read every connected account with its token; one Meta refuses is marked `needs_reconnect`, so the owner
    sees it before a customer's reply fails. A Meta that does not answer changes nothing. An account whose webhook
    subscription Meta refused is subscribed again."""
    summary = RecheckSummary()
    cursor = db[COLLECTION].find({"status": "connected"}).sort("_id", ASCENDING)
    async for doc in cursor:
        account = account_from_doc(doc)
        summary.checked += 1
        try:
            identity = await read_account(graph, account.platform, account.account_id, account_token(cipher, account))
        except TokenDecryptError:
            await mark_needs_reconnect(
                db, account.tenant_id, account.id, 0, "the stored token cannot be read (SECRET_KEY changed?)"
            )
            summary.needs_reconnect += 1
            continue
        except GraphError as exc:
            if token_dead(exc):
                await mark_needs_reconnect(db, account.tenant_id, account.id, exc.code, exc.message)
                summary.needs_reconnect += 1
            else:
                summary.unreachable += 1
            continue
        if identity.account_id != account.account_id:
            await mark_needs_reconnect(db, account.tenant_id, account.id, 0, "the token is no longer for this account")
            summary.needs_reconnect += 1
            continue
        if account.webhooks_problem:
            # Meta refused or could not be asked when it was connected: asked again, so an outage passes and a
            # permission granted since takes effect without the owner connecting again.
            summary.resubscribed += int(await subscribe_connected(db, graph, account, account_token(cipher, account)) is None)
    log.info(
        "connected accounts checked with Meta",
        extra={
            "checked": summary.checked,
            "needs_reconnect": summary.needs_reconnect,
            "unreachable": summary.unreachable,
            "resubscribed": summary.resubscribed,
        },
    )
    return summary
