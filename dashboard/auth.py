"""Who is calling `/api/*`: a bearer API token or the session cookie; CSRF for cookie-authenticated writes."""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.log_context import tenant_id_var
from dashboard.api.operations import operation_of
from dashboard.context import IDENTITY, Identity, clock_of, db_of, redis_of
from dashboard.errors import Handler
from dashboard.owners import resolve_token, token_expired
from dashboard.request_language import use_owner_language
from dashboard.sessions import SESSION_COOKIE, SessionStore
from knowledge.domain_errors import Refused

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def needs_login(request: web.Request) -> bool:
    """Every `/api/*` call but the operations declared public (the way in, Meta's callbacks, the description)."""
    if not request.path.startswith("/api/"):
        return False
    operation = operation_of(request.match_info.handler)
    return operation is None or not operation.public


async def authenticate(request: web.Request) -> Identity:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused("bad_authorization")
        db, now = db_of(request), clock_of(request).now()
        found = await resolve_token(db, token.strip(), now=now)
        if found is None:
            if await token_expired(db, token.strip(), now=now):
                raise Refused("token_expired")
            raise Refused("token_invalid")
        return Identity(tenant_id=found.tenant_id, owner_id=found.owner_id, via="token", token_hash=found.token_hash)
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session = await SessionStore(redis_of(request)).get(session_id)
    if session is None:
        raise Refused("not_logged_in")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            # The session names the owner, so the refusal is said in their language, as every later answer is.
            await use_owner_language(request, session.tenant_id, session.owner_id)
            raise Refused("csrf")
    return Identity(tenant_id=session.tenant_id, owner_id=session.owner_id, via="session", session_id=session_id, session=session)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not needs_login(request):
        return await handler(request)
    who = await authenticate(request)
    request[IDENTITY] = who
    tenant_id_var.set(who.tenant_id)
    return await handler(request)
