"""The owner's account: language, API tokens (listed, created, revoked), password change, account deletion."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web
from redis.exceptions import LockError

from dashboard.account_deletion import delete_account
from dashboard.api.operations import ApiRoutes, Reply
from dashboard.context import DASHBOARD, Identity, cipher_of, clock_of, db_of, graph_of, identity, redis_of
from dashboard.credentials import check_new_password, check_own_password
from dashboard.errors import not_found
from dashboard.i18n import choose_language
from dashboard.i18n.current import set_language
from dashboard.owners import (
    Owner,
    TokenKind,
    get_owner,
    get_tenant,
    issue_token,
    list_tokens,
    set_owner_language,
    set_password_hash,
)
from dashboard.revocation import end_access, end_listed_token
from dashboard.schemas import (
    AccountDeletedOut,
    AccountDeleteIn,
    AccountIn,
    AccountOut,
    DeletedOut,
    NewTokenOut,
    PasswordChangeIn,
    PasswordChangeOut,
    TokenIn,
    TokenOut,
    TokensOut,
)
from dashboard.sessions import SESSION_COOKIE
from knowledge.domain_errors import Conflict, Refused

log = logging.getLogger(__name__)
routes = ApiRoutes()


async def _owner(request: web.Request, who: Identity) -> Owner:
    owner = await get_owner(db_of(request), who.tenant_id, who.owner_id)
    if owner is None:
        raise Refused("account_gone")
    return owner


@routes.get("/api/tokens")
async def tokens(request: web.Request) -> TokensOut:
    """Your API tokens (never the tokens themselves): name, hint, created, last used, and the one calling."""
    who = identity(request)
    listed = await list_tokens(db_of(request), who.tenant_id, who.owner_id, now=clock_of(request).now())
    return TokensOut(
        tokens=[
            TokenOut(
                id=t.id,
                name=t.name,
                kind=t.kind.value,
                hint=t.hint,
                created_at=t.created_at,
                last_used_at=t.last_used_at,
                expires_at=t.expires_at,
                current=who.via == "token" and t.token_hash == who.token_hash,
            )
            for t in listed
        ]
    )


# Counting an owner's named tokens and adding one are two calls to MongoDB: a burst of creations would all count
# 49 and all add one. One creation at a time per owner (a short Redis lock) keeps the cap. A creation waits a few
# seconds for its turn, then answers 409: an owner makes tokens by hand, one at a time; a burst is a script gone wrong.
TOKEN_LOCK_S = 10
TOKEN_LOCK_WAIT_S = 5


@contextlib.asynccontextmanager
async def _one_creation_at_a_time(request: web.Request, owner_id: str) -> AsyncIterator[None]:
    lock = redis_of(request).lock(f"lock:token_creation:{owner_id}", timeout=TOKEN_LOCK_S, blocking_timeout=TOKEN_LOCK_WAIT_S)
    if not await lock.acquire():
        raise Conflict("tokens_busy")
    try:
        yield
    finally:
        with contextlib.suppress(LockError):  # held past its expiry: another creation has it now
            await lock.release()


@routes.post("/api/tokens", status=201, errors=(409,))
async def create_token(request: web.Request, body: TokenIn) -> NewTokenOut:
    """Create a named API token for a tool or script; the token is in this answer only (at most 50 per owner).

    It works for `expires_in_days` (90 unless given, a year at most) and is refused with a 401 after `expires_at`.
    """
    who = identity(request)
    async with _one_creation_at_a_time(request, who.owner_id):
        issued = await issue_token(
            db_of(request),
            who.tenant_id,
            who.owner_id,
            now=clock_of(request).now(),
            kind=TokenKind.named,
            name=body.name,
            lifetime=timedelta(days=body.expires_in_days),
        )
    log.info("api token created", extra={"token": issued.info.id})
    info = issued.info
    return NewTokenOut(
        id=info.id, name=info.name, token=issued.token, hint=info.hint, created_at=info.created_at, expires_at=issued.expires_at
    )


@routes.delete("/api/tokens/{id}")
async def revoke(request: web.Request) -> DeletedOut:
    """Revoke an API token: any request made with it is refused (401) from now on, and the session its login
    opened (if any) ends with it."""
    who = identity(request)
    if not await end_listed_token(
        db_of(request), redis_of(request), who.tenant_id, who.owner_id, request.match_info["id"], now=clock_of(request).now()
    ):
        raise not_found("api_token")
    log.info("api token revoked", extra={"token": request.match_info["id"]})
    return DeletedOut(deleted=True)


@routes.put("/api/account")
async def update_account(request: web.Request, body: AccountIn) -> AccountOut:
    """Choose the language of your pages and of the API's messages (`en`, `es`, `pt`, `fr`, `de`, `it`), or
    `auto` to follow your browser's Accept-Language."""
    who = identity(request)
    owner = await _owner(request, who)
    chosen = "" if body.language == "auto" else body.language
    await set_owner_language(db_of(request), owner.tenant_id, owner.id, chosen)
    # This very answer is already in the new language.
    lang = chosen or choose_language("", request.headers.get("Accept-Language", ""))
    set_language(lang)
    return AccountOut(language=body.language, page_language=lang)


@routes.post("/api/account/password", errors=(403, 429))
async def change_password(request: web.Request, body: PasswordChangeIn) -> PasswordChangeOut:
    """Change your password; your other sessions and API tokens end, the one making this call stays.

    The new password needs at least 10 characters and may not be a common or easily guessed one (422).
    A wrong current password is a 403; five of them in 15 minutes a 429.
    """
    who = identity(request)
    owner = await _owner(request, who)
    await check_own_password(request, owner, body.current_password, "current_password")
    tenant = await get_tenant(db_of(request), who.tenant_id)
    await check_new_password(request, body.new_password, "new_password", owner.email, tenant.name if tenant else "")
    await set_password_hash(
        db_of(request), owner.tenant_id, owner.id, await request.app[DASHBOARD].passwords.hash(body.new_password)
    )
    ended = await end_access(
        db_of(request),
        redis_of(request),
        owner.tenant_id,
        owner.id,
        keep_session_id=who.session_id if who.via == "session" else "",
        keep_token_hash=who.token_hash if who.via == "token" else "",
    )
    log.info("password changed", extra={"sessions_ended": ended.sessions, "tokens_revoked": ended.tokens})
    return PasswordChangeOut(changed=True, sessions_ended=ended.sessions, tokens_revoked=ended.tokens)


def _forget_session_cookie(response: web.Response) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


@routes.post("/api/account/delete", errors=(403, 429))
async def delete(request: web.Request, body: AccountDeleteIn) -> Reply[AccountDeletedOut]:
    """Delete your account with your password: channels disconnected (pages unsubscribed), then every record of
    the business removed: profile, documents, campaigns, conversations, leads, sales, counters, tokens, sessions.
    """
    who = identity(request)
    owner = await _owner(request, who)
    await check_own_password(request, owner, body.password, "password")
    deleted = await delete_account(db_of(request), redis_of(request), cipher_of(request), graph_of(request), owner.tenant_id)
    return Reply(
        AccountDeletedOut(
            deleted=True, channels_disconnected=deleted.channels_disconnected, records_removed=deleted.records_removed
        ),
        finish=_forget_session_cookie,
    )
