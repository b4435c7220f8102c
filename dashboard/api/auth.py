"""Sign-up, login, logout and who-am-I."""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.api.operations import ApiRoutes, Reply
from dashboard.context import DASHBOARD, identity, services
from dashboard.errors import ApiError
from dashboard.owners import create_owner_and_tenant, find_owner_by_email, get_owner, get_tenant, issue_token, normalize_email, revoke_token
from dashboard.ratelimit import LoginLimiter
from dashboard.schemas import LoginIn, LoginOut, LogoutOut, MeOut, OwnerOut, SignupIn, SignupOut, TenantOut
from dashboard.sessions import SESSION_COOKIE, SessionStore

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
        secure=services(request).settings.public_base.startswith("https://"),
    )


@routes.post("/api/signup", status=201, errors=(409,), public=True)
async def signup(request: web.Request, body: SignupIn) -> SignupOut:
    """Create an owner and their business; answers an API token."""
    db = services(request).db
    password_hash = await request.app[DASHBOARD].passwords.hash(body.password)
    tenant, owner = await create_owner_and_tenant(db, body.email, password_hash, body.business_name)
    token = await issue_token(db, tenant.id, owner.id)
    log.info("tenant created", extra={"tenant": tenant.id})
    return SignupOut(tenant_id=tenant.id, api_token=token)


@routes.post("/api/login", errors=(401, 429), public=True)
async def login(request: web.Request, body: LoginIn) -> Reply[LoginOut]:
    """Log in: an API token, and a session cookie `sid` with its CSRF token."""
    p = services(request)
    email = normalize_email(body.email)
    address = request.remote or ""
    limiter = LoginLimiter(p.redis)
    await limiter.check(email, address)
    passwords = request.app[DASHBOARD].passwords
    owner = await find_owner_by_email(p.db, email)
    valid = await passwords.verify(owner.password_hash, body.password) if owner else await passwords.verify_unknown(body.password)
    if owner is None or not valid:
        await limiter.record_failure(email, address)
        raise ApiError(401, "invalid_credentials", "wrong email or password")
    await limiter.forget_email(email)

    store = SessionStore(p.redis)
    # A fresh session id at every login: an id planted before login is worth nothing after it.
    await store.delete(request.cookies.get(SESSION_COOKIE, ""))
    session_id, session = await store.create(owner.tenant_id, owner.id)
    token = await issue_token(p.db, owner.tenant_id, owner.id)
    return Reply(
        LoginOut(api_token=token, csrf_token=session.csrf_token, tenant_id=owner.tenant_id),
        finish=lambda response: set_session_cookie(request, response, session_id, store.ttl_s),
    )


def _forget_session_cookie(response: web.Response) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


@routes.post("/api/logout")
async def logout(request: web.Request) -> Reply[LogoutOut]:
    """End the session; called with an API token, revoke that token."""
    who = identity(request)
    p = services(request)
    if who.via == "token":
        await revoke_token(p.db, who.tenant_id, who.token_hash)
    await SessionStore(p.redis).delete(request.cookies.get(SESSION_COOKIE, ""))
    return Reply(LogoutOut(logged_out=True), finish=_forget_session_cookie)


@routes.get("/api/me")
async def me(request: web.Request) -> MeOut:
    """The calling owner and their business."""
    who = identity(request)
    db = services(request).db
    owner = await get_owner(db, who.tenant_id, who.owner_id)
    tenant = await get_tenant(db, who.tenant_id)
    if owner is None or tenant is None:
        raise ApiError(401, "unauthorized", "this account no longer exists")
    return MeOut(
        owner=OwnerOut(id=owner.id, email=owner.email),
        tenant=TenantOut(id=tenant.id, name=tenant.name, created_at=tenant.created_at, settings=tenant.settings,
                         facebook_connected=bool(tenant.facebook_user_id)),
        auth=who.via,
        csrf_token=who.session.csrf_token if who.session is not None else "",
    )
