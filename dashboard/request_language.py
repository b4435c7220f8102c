"""Sets the language each request is answered in (see `dashboard/i18n/`): the browser's `Accept-Language` for
everyone, then the owner's saved choice once we know who is calling (an API identity or a page's session)."""

from __future__ import annotations

from aiohttp import web

from dashboard.context import IDENTITY, db_of, redis_of
from dashboard.errors import Handler
from dashboard.i18n import choose_language, from_accept_language
from dashboard.i18n.current import set_language
from dashboard.owners import get_owner
from dashboard.sessions import SESSION_COOKIE, SessionStore

LANGUAGE = web.RequestKey("language", str)


@web.middleware
async def browser_language(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Outside the login check, so a refused login is answered in the browser's language too.
    lang = from_accept_language(request.headers.get("Accept-Language", ""))
    request[LANGUAGE] = lang
    set_language(lang)
    return await handler(request)


async def _caller(request: web.Request) -> tuple[str, str] | None:
    """The tenant and owner calling: the API's identity, else the page's session cookie."""
    if IDENTITY in request:
        who = request[IDENTITY]
        return who.tenant_id, who.owner_id
    session_id = request.cookies.get(SESSION_COOKIE, "")
    if not session_id or request.path.startswith("/static/"):
        return None
    session = await SessionStore(redis_of(request)).get(session_id)
    return (session.tenant_id, session.owner_id) if session else None


async def use_owner_language(request: web.Request, tenant_id: str, owner_id: str) -> None:
    """Answer this request in the owner's saved language (the browser's when they chose none)."""
    owner = await get_owner(db_of(request), tenant_id, owner_id)
    lang = choose_language(owner.language if owner else "", request.headers.get("Accept-Language", ""))
    request[LANGUAGE] = lang
    set_language(lang)


@web.middleware
async def owner_language(request: web.Request, handler: Handler) -> web.StreamResponse:
    caller = await _caller(request)
    if caller is not None:
        await use_owner_language(request, *caller)
    return await handler(request)
