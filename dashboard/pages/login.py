"""The way in: the landing page, sign-up, form login and logout, on the same sessions as the API.

A form login or sign-up opens a browser session only; API tokens are made on the settings page. Logins and
sign-ups go through the same checks as the API's (rate limits per address, the password policy).
"""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.api.auth import set_session_cookie
from dashboard.context import DASHBOARD, db_of, redis_of, settings_of
from dashboard.credentials import check_login, check_new_password
from dashboard.error_table import answer_for
from dashboard.i18n import N_, gettext
from dashboard.owners import EmailTaken, create_owner_and_tenant, normalize_email, revoke_token
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
from dashboard.pages.forms import FormState, validate
from dashboard.pages.frame import render_public, see_other
from dashboard.pages.return_to import UnreadableReturn, return_path
from dashboard.ratelimit import SIGNUPS_PER_ADDRESS, client_address, enforce
from dashboard.schemas import SignupIn
from dashboard.sessions import SESSION_COOKIE, SessionStore
from knowledge.domain_errors import InvalidInput, Refused

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

SIGNUP_FIELDS = ("email", "password", "business_name")
EXPIRED = N_("This form expired; please try again.")
UNREADABLE = N_("This form could not be read; please try again.")
UNREADABLE_RETURN = N_("The address to return to after login holds characters no address may hold; log in for your dashboard.")


def redirect(location: str) -> web.Response:
    return see_other(location)


def _public_form(request: web.Request, template: str, context: dict[str, object], status: int = 200) -> web.Response:
    pre_id, is_new = pre_session_id(request)
    token = login_token(settings_of(request).secret_key, pre_id)
    response = render_public(request, template, {"csrf_token_public": token, **context}, status=status)
    if is_new:
        set_pre_session_cookie(request, response, pre_id)
    return response


def render_login(
    request: web.Request, *, error: str = "", email: str = "", status: int = 200, next_path: str = ""
) -> web.Response:
    # `error` is one of this module's sentences, marked for the catalogs and said here in the page's language.
    said = gettext(error) if error else ""
    return _public_form(request, "login.html", {"error": said, "email": email, "next": next_path}, status)


def render_signup(request: web.Request, state: FormState, status: int = 200) -> web.Response:
    return _public_form(request, "signup.html", {"form": state}, status)


async def _open_session(request: web.Request, tenant_id: str, owner_id: str, location: str) -> web.Response:
    store = SessionStore(redis_of(request))
    # A fresh session id at every login, as with the API login: an id planted before it is worth nothing.
    await store.delete(request.cookies.get(SESSION_COOKIE, ""))
    session_id, _ = await store.create(tenant_id, owner_id)
    response = redirect(location)
    set_session_cookie(request, response, session_id, store.ttl_s)
    response.del_cookie(PRE_SESSION_COOKIE, path="/")
    return response


@routes.get("/")
async def landing(request: web.Request) -> web.Response:
    """What the product does, for a visitor; an owner who is logged in goes straight to the dashboard."""
    if await page_session(request) is not None:
        return redirect("/dashboard")
    return render_public(request, "landing.html", {})


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    try:
        next_path = return_path(request.query.get("next", ""))
    except UnreadableReturn:
        return render_login(request, error=UNREADABLE_RETURN, status=400)
    if await page_session(request) is not None:
        return redirect(next_path)
    return render_login(request, next_path=next_path)


@routes.post("/login")
async def login_form(request: web.Request) -> web.Response:
    form = await read_form(request)
    if form is None:
        return render_login(request, error=UNREADABLE, status=400)
    email = normalize_email(form_text(form, "email"))
    password = form_text(form, "password")
    try:
        next_path = return_path(form_text(form, "next"))
    except UnreadableReturn:
        return render_login(request, error=UNREADABLE_RETURN, email=email, status=400)
    if not valid_login_token(request, form_text(form, CSRF_FIELD)):
        return render_login(request, error=EXPIRED, email=email, status=403, next_path=next_path)
    if not email or not password:
        return render_login(request, error=N_("Enter your email and password."), email=email, status=400, next_path=next_path)
    try:
        owner = await check_login(request, email, password)
    except Refused as refused:
        answer = answer_for(refused)
        message = N_("Wrong email or password.") if answer.status == 401 else N_("Too many failed logins; try again later.")
        response = render_login(request, error=message, email=email, status=answer.status, next_path=next_path)
        response.headers.update(answer.headers)
        return response
    log.info("owner logged in through the form", extra={"tenant": owner.tenant_id})
    return await _open_session(request, owner.tenant_id, owner.id, next_path)


@routes.get("/signup")
async def signup_page(request: web.Request) -> web.Response:
    if await page_session(request) is not None:
        return redirect("/dashboard")
    return render_signup(request, FormState())


@routes.post("/signup")
async def signup_form(request: web.Request) -> web.Response:
    form = await read_form(request)
    state = FormState()
    if form is None:
        state.errors["form"] = gettext(UNREADABLE)
        return render_signup(request, state, 400)
    # The password is never sent back into the page.
    state.values = {name: form_text(form, name).strip() for name in ("email", "business_name")}
    if not valid_login_token(request, form_text(form, CSRF_FIELD)):
        state.errors["form"] = gettext(EXPIRED)
        return render_signup(request, state, 403)
    data = {**state.values, "password": form_text(form, "password")}
    body = validate(SignupIn, data, state, SIGNUP_FIELDS)
    if body is None or not isinstance(body, SignupIn):
        return render_signup(request, state, 422)
    try:
        await enforce(request, SIGNUPS_PER_ADDRESS, client_address(request))
        await check_new_password(request, body.password, "password", str(body.email), body.business_name)
    except (Refused, InvalidInput) as refused:  # too many sign-ups, or a weak password
        answer = answer_for(refused)
        state.add_errors(answer.fields or {"form": answer.message}, SIGNUP_FIELDS)
        response = render_signup(request, state, answer.status)
        response.headers.update(answer.headers)
        return response
    db = db_of(request)
    password_hash = await request.app[DASHBOARD].passwords.hash(body.password)
    try:
        tenant, owner = await create_owner_and_tenant(db, body.email, password_hash, body.business_name)
    except EmailTaken:
        state.errors["email"] = gettext("An account with this email exists already. Log in instead.")
        return render_signup(request, state, 409)
    log.info("tenant created through the form", extra={"tenant": tenant.id})
    return await _open_session(request, tenant.id, owner.id, "/onboarding?notice=welcome")


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
    if session.token_hash:  # a session opened by `POST /api/login` takes its API token along
        await revoke_token(db_of(request), session.tenant_id, session.token_hash)
    await SessionStore(redis_of(request)).delete(request.cookies.get(SESSION_COOKIE, ""))
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
