"""Who is calling `/api/*`: a bearer API token or the session cookie; CSRF for cookie-authenticated writes."""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.log_context import tenant_id_var
from dashboard.api.operations import operation_of
from dashboard.context import IDENTITY, Identity, services
from dashboard.errors import ApiError, Handler
from dashboard.owners import resolve_token, token_expired
from dashboard.sessions import SESSION_COOKIE, SessionStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def needs_login(request: web.Request) -> bool:
    """Every `/api/*` call but the operations declared public (the way in, Meta's callbacks, the description)."""
    if not request.path.startswith("/api/"):
        return False
    operation = operation_of(request.match_info.handler)
    return operation is None or not operation.public


def _unauthorized(message: str = "log in or send an API token", code: str = "unauthorized") -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(request: web.Request) -> Identity:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("the Authorization header must be 'Bearer <api token>'")
        db, now = services(request).db, services(request).clock.now()
        found = await resolve_token(db, token.strip(), now=now)
        if found is None:
            if await token_expired(db, token.strip(), now=now):
                raise _unauthorized("this API token has expired; log in again or create a new token", "token_expired")
            raise _unauthorized("this API token is not valid")
        return Identity(tenant_id=found.tenant_id, owner_id=found.owner_id, via="token", token_hash=found.token_hash)
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session = await SessionStore(services(request).redis).get(session_id)
    if session is None:
        raise _unauthorized()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise ApiError(403, "csrf", f"missing or wrong {CSRF_HEADER} header")
    return Identity(tenant_id=session.tenant_id, owner_id=session.owner_id, via="session", session_id=session_id, session=session)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not needs_login(request):
        return await handler(request)
    who = await authenticate(request)
    request[IDENTITY] = who
    tenant_id_var.set(who.tenant_id)
    return await handler(request)
