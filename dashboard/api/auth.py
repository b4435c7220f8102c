"""Sign-up, login, logout and who-am-I."""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.context import DASHBOARD, identity, services
from dashboard.errors import ApiError, read_model
from dashboard.owners import create_owner_and_tenant, find_owner_by_email, get_owner, get_tenant, issue_token, normalize_email, revoke_token
from dashboard.ratelimit import LoginLimiter
from dashboard.schemas import LoginIn, SignupIn
from dashboard.sessions import SESSION_COOKIE, SessionStore

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


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


@routes.post("/api/signup")
async def signup(request: web.Request) -> web.Response:
    body = await read_model(request, SignupIn)
    db = services(request).db
    password_hash = await request.app[DASHBOARD].passwords.hash(body.password)
    tenant, owner = await create_owner_and_tenant(db, body.email, password_hash, body.business_name)
    token = await issue_token(db, tenant.id, owner.id)
    log.info("tenant created", extra={"tenant": tenant.id})
    return web.json_response({"tenant_id": tenant.id, "api_token": token}, status=201)


@routes.post("/api/login")
async def login(request: web.Request) -> web.Response:
    body = await read_model(request, LoginIn)
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
    response = web.json_response({"api_token": token, "csrf_token": session.csrf_token, "tenant_id": owner.tenant_id})
    set_session_cookie(request, response, session_id, store.ttl_s)
    return response


@routes.post("/api/logout")
async def logout(request: web.Request) -> web.Response:
    who = identity(request)
    p = services(request)
    if who.via == "token":
        await revoke_token(p.db, who.tenant_id, who.token_hash)
    await SessionStore(p.redis).delete(request.cookies.get(SESSION_COOKIE, ""))
    response = web.json_response({"logged_out": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    who = identity(request)
    db = services(request).db
    owner = await get_owner(db, who.tenant_id, who.owner_id)
    tenant = await get_tenant(db, who.tenant_id)
    if owner is None or tenant is None:
        raise ApiError(401, "unauthorized", "this account no longer exists")
    body: dict[str, object] = {
        "owner": {"id": owner.id, "email": owner.email},
        "tenant": {
            "id": tenant.id,
            "name": tenant.name,
            "created_at": tenant.created_at.isoformat(),
            "settings": tenant.settings,
            "facebook_connected": bool(tenant.facebook_user_id),
        },
        "auth": who.via,
    }
    if who.session is not None:
        body["csrf_token"] = who.session.csrf_token
    return web.json_response(body)
