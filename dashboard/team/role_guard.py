"""The role guard: before any handler runs, the caller's person is read and the route's line of the policy
decides. An agent asking for an owner's operation gets a JSON 403 under /api/ and a plain 403 page elsewhere
(the owner's home sends them to the inbox instead).

The person is read from the store on every signed-in request, not copied into the session or token: a removed
member's leftover credential opens nothing, even one made in the instant of the removal.
"""

from __future__ import annotations

from aiohttp import web

from dashboard.context import IDENTITY, db_of, redis_of
from dashboard.errors import Handler
from dashboard.pages.access import PAGE_SESSION, page_session
from dashboard.pages.frame import render, see_other
from dashboard.sessions import SESSION_COOKIE, Session, SessionStore
from dashboard.team.caller import PERSON
from dashboard.team.members import get_person
from dashboard.team.policy import HOME, Access, Role, access_of, allowed, route_key
from knowledge.domain_errors import Refused


def _route_key(request: web.Request) -> str | None:
    resource = request.match_info.route.resource
    return route_key(request.method, resource.canonical) if resource is not None else None


@web.middleware
async def role_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = _route_key(request)
    if key is None or access_of(key) == Access.public:  # no route (the router's 404 or 405), or open to all
        return await handler(request)
    if request.path.startswith("/api/"):
        return await _guard_api(request, handler, key)
    return await _guard_page(request, handler, key)


async def _guard_api(request: web.Request, handler: Handler, key: str) -> web.StreamResponse:
    who = request.get(IDENTITY)
    if who is None:  # the login check let it through as public, yet the policy does not: refuse
        raise Refused("policy_needs_login")
    person = await get_person(db_of(request), who.tenant_id, who.owner_id)
    if person is None:
        raise Refused("account_gone")
    request[PERSON] = person
    if not allowed(person.role, key):
        raise Refused("owner_only")
    return await handler(request)


async def _guard_page(request: web.Request, handler: Handler, key: str) -> web.StreamResponse:
    session = await page_session(request)
    if session is None:
        return await handler(request)  # the page itself sends the visitor to the login
    person = await get_person(db_of(request), session.tenant_id, session.owner_id)
    if person is None:
        # A session that outlived its person: end it, and the page sees a visitor who is not logged in.
        await SessionStore(redis_of(request)).delete(request.cookies.get(SESSION_COOKIE, ""))
        return await handler(request)
    request[PAGE_SESSION] = session
    request[PERSON] = person
    if allowed(person.role, key):
        return await handler(request)
    if key == "GET /dashboard":
        return see_other(HOME[person.role])
    return await forbidden_page(request, session, person.role)


async def forbidden_page(request: web.Request, session: Session, role: Role) -> web.Response:
    """The refusal inside the person's own frame, whose menu holds only what they may open."""
    return await render(request, "forbidden.html", session, "", {"home": HOME[role]}, status=403)
