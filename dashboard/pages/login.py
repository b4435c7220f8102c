"""The login form, form login and logout, on the same sessions as `/api/login` and `/api/logout`."""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from dashboard.api.auth import set_session_cookie
from dashboard.context import services
from dashboard.credentials import check_login
from dashboard.errors import ApiError
from dashboard.owners import normalize_email, revoke_token
from dashboard.pages.access import (
    CSRF_FIELD,
    PRE_SESSION_COOKIE,
    form_text,
    login_token,
    page_session,
    pre_session_id,
    read_form,
    set_pre_session_cookie,
    valid_login_token,
    valid_session_token,
)
from dashboard.sessions import SESSION_COOKIE, SessionStore

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


def redirect(location: str) -> web.Response:
    """A 303 to `location` that can carry cookies (a raised HTTPSeeOther would drop ours)."""
    return web.Response(status=303, headers={"Location": location})


def render_login(request: web.Request, *, error: str = "", email: str = "", status: int = 200) -> web.Response:
    pre_id, is_new = pre_session_id(request)
    token = login_token(services(request).settings.secret_key, pre_id)
    response = aiohttp_jinja2.render_template(
        "login.html", request, {"csrf_token": token, "error": error, "email": email}, status=status
    )
    if is_new:
        set_pre_session_cookie(request, response, pre_id)
    return response


@routes.post("/login")
async def login_form(request: web.Request) -> web.Response:
    form = await read_form(request)
    if form is None:
        return render_login(request, error="This form could not be read; please try again.", status=400)
    email = normalize_email(form_text(form, "email"))
    password = form_text(form, "password")
    if not valid_login_token(request, form_text(form, CSRF_FIELD)):
        return render_login(request, error="This form expired; please try again.", email=email, status=403)
    if not email or not password:
        return render_login(request, error="Enter your email and password.", email=email, status=400)

    try:
        owner = await check_login(request, email, password)
    except ApiError as refused:
        message = "Wrong email or password." if refused.http_status == 401 else "Too many failed logins; try again later."
        response = render_login(request, error=message, email=email, status=refused.http_status)
        response.headers.update(refused.headers)
        return response

    p = services(request)
    store = SessionStore(p.redis)
    # A fresh session id at every login, as with the API login; a page login opens a session and no API token.
    await store.delete(request.cookies.get(SESSION_COOKIE, ""))
    session_id, _ = await store.create(owner.tenant_id, owner.id)
    log.info("owner logged in through the form", extra={"tenant": owner.tenant_id})
    response = redirect("/")
    set_session_cookie(request, response, session_id, store.ttl_s)
    response.del_cookie(PRE_SESSION_COOKIE, path="/")
    return response


@routes.post("/logout")
async def logout_form(request: web.Request) -> web.Response:
    session = await page_session(request)
    response = redirect("/")
    if session is None:
        return response
    form = await read_form(request)
    if form is None:
        raise web.HTTPBadRequest(text="this form could not be read")
    if not valid_session_token(session, form_text(form, CSRF_FIELD)):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    p = services(request)
    if session.token_hash:  # a session opened by `POST /api/login` takes its API token along
        await revoke_token(p.db, session.tenant_id, session.token_hash)
    await SessionStore(p.redis).delete(request.cookies.get(SESSION_COOKIE, ""))
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
