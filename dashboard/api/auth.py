"""Sign-up, login, logout and who-am-I."""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.api.operations import ApiRoutes, Reply
from dashboard.context import DASHBOARD, clock_of, db_of, identity, redis_of, settings_of
from dashboard.credentials import check_login, check_new_password
from dashboard.owners import TokenKind, create_owner_and_tenant, get_owner, get_tenant, issue_token, revoke_token
from dashboard.ratelimit import SIGNUPS_PER_ADDRESS, client_address, enforce
from dashboard.revocation import end_token
from dashboard.schemas import LoginIn, LoginOut, LogoutOut, MeOut, OwnerOut, SignupIn, SignupOut, TenantOut
from dashboard.sessions import SESSION_COOKIE, SessionStore
from dashboard.team.caller import role_of
from knowledge.domain_errors import Refused

log = logging.getLogger(__name__)
routes = ApiRoutes()


def set_session_cookie(request: web.Request, response: web.Response, session_id: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings_of(request).public_base.startswith("https://"),
    )


@routes.post("/api/signup", status=201, errors=(409, 429), public=True)
async def signup(request: web.Request, body: SignupIn) -> SignupOut:
    """Create an owner and their business; answers an API token, which expires after 30 days unused.

    The password needs at least 10 characters and may not be a common or easily guessed one (422 says why).
    Sign-ups are limited to 10 an hour from one address (429 with Retry-After).
    """
    await enforce(request, SIGNUPS_PER_ADDRESS, client_address(request))
    await check_new_password(request, body.password, "password", str(body.email), body.business_name)
    db = db_of(request)
    password_hash = await request.app[DASHBOARD].passwords.hash(body.password)
    tenant, owner = await create_owner_and_tenant(db, body.email, password_hash, body.business_name)
    issued = await issue_token(db, tenant.id, owner.id, now=clock_of(request).now(), kind=TokenKind.signup)
    log.info("tenant created", extra={"tenant": tenant.id})
    return SignupOut(tenant_id=tenant.id, api_token=issued.token)


@routes.post("/api/login", errors=(401, 429), public=True)
async def login(request: web.Request, body: LoginIn) -> Reply[LoginOut]:
    """Log in: an API token, and a session cookie `sid` with its CSRF token.

    The token is listed under `GET /api/tokens` and expires after 30 days unused; logging this session out
    revokes it too. Failed logins are limited per address, and per account from one address (429 with
    Retry-After); they never lock the account for other addresses.
    """
    owner = await check_login(request, body.email, body.password)
    issued = await issue_token(db_of(request), owner.tenant_id, owner.id, now=clock_of(request).now(), kind=TokenKind.login)
    store = SessionStore(redis_of(request))
    # A fresh session id at every login: an id planted before login is worth nothing after it.
    await store.delete(request.cookies.get(SESSION_COOKIE, ""))
    session_id, session = await store.create(owner.tenant_id, owner.id, token_hash=issued.info.token_hash)
    return Reply(
        LoginOut(api_token=issued.token, csrf_token=session.csrf_token, tenant_id=owner.tenant_id),
        finish=lambda response: set_session_cookie(request, response, session_id, store.ttl_s),
    )


def _forget_session_cookie(response: web.Response) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


@routes.post("/api/logout")
async def logout(request: web.Request) -> Reply[LogoutOut]:
    """End the session (and revoke the API token its login answered); called with an API token, revoke that token
    (and end the session its login opened)."""
    who = identity(request)
    if who.via == "token":
        await end_token(db_of(request), redis_of(request), who.tenant_id, who.owner_id, who.token_hash)
    elif who.session is not None and who.session.token_hash:
        await revoke_token(db_of(request), who.tenant_id, who.session.token_hash)
    await SessionStore(redis_of(request)).delete(request.cookies.get(SESSION_COOKIE, ""))
    return Reply(LogoutOut(logged_out=True), finish=_forget_session_cookie)


@routes.get("/api/me")
async def me(request: web.Request) -> MeOut:
    """The calling owner and their business."""
    who = identity(request)
    db = db_of(request)
    owner = await get_owner(db, who.tenant_id, who.owner_id)
    tenant = await get_tenant(db, who.tenant_id)
    if owner is None or tenant is None:
        raise Refused("account_gone")
    return MeOut(
        owner=OwnerOut(id=owner.id, email=owner.email, role=role_of(request).value),
        tenant=TenantOut(
            id=tenant.id,
            name=tenant.name,
            created_at=tenant.created_at,
            settings=tenant.settings,
            facebook_connected=bool(tenant.facebook_user_id),
        ),
        auth=who.via,
        csrf_token=who.session.csrf_token if who.session is not None else "",
    )
