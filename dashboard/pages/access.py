"""Who is looking at a page, and the CSRF tokens of its forms.

Pages share the API's session cookie and store. Before login there is no session, so the login and signup
forms' token is an HMAC of a random pre-session cookie: a page from another site can neither read the
cookie nor compute the token. After login every form carries the session's own CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from bot.log_context import tenant_id_var
from dashboard.context import IDENTITY, Identity, redis_of, settings_of
from dashboard.i18n.current import gettext
from dashboard.sessions import SESSION_COOKIE, Session, SessionStore

PRE_SESSION_COOKIE = "pre_sid"
PRE_SESSION_TTL_S = 2 * 3600
CSRF_FIELD = "csrf_token"
PAGE_SESSION = web.RequestKey("page_session", Session)


async def page_session(request: web.Request) -> Session | None:
    """The logged-in session behind this request's cookie, or None."""
    if PAGE_SESSION in request:
        return request[PAGE_SESSION]
    return await SessionStore(redis_of(request)).get(request.cookies.get(SESSION_COOKIE, ""))


def _to_login(request: web.Request) -> web.HTTPSeeOther:
    target = request.path_qs if request.method == "GET" else request.path
    return web.HTTPSeeOther("/login?next=" + quote(target, safe="/"))


async def owner_session(request: web.Request) -> Session:
    """The logged-in owner's session; a visitor without one is sent to the login page (and back after it).

    The request then carries the same identity an API call with this cookie would, so page handlers can
    call the API's own functions and every query stays on this owner's tenant."""
    session = await page_session(request)
    if session is None:
        raise _to_login(request)
    request[PAGE_SESSION] = session
    request[IDENTITY] = Identity(
        tenant_id=session.tenant_id,
        owner_id=session.owner_id,
        via="session",
        session_id=request.cookies.get(SESSION_COOKIE, ""),
        session=session,
    )
    tenant_id_var.set(session.tenant_id)
    return session


async def posted_form(request: web.Request) -> tuple[Session, MultiDictProxy[Any]]:
    """A logged-in owner's posted form, once its CSRF token is checked (403 otherwise)."""
    session = await owner_session(request)
    form = await request.post()
    if not valid_session_token(session, form_text(form, CSRF_FIELD)):
        said = gettext("This form expired or did not come from this site. Go back, reload the page and try again.")
        raise web.HTTPForbidden(text=said)
    return session, form


def login_token(secret_key: str, pre_session_id: str) -> str:
    mac = hmac.new(secret_key.encode(), b"login-csrf\0" + pre_session_id.encode(), hashlib.sha256)
    return mac.hexdigest()


def pre_session_id(request: web.Request) -> tuple[str, bool]:
    """The pre-session id from the cookie, or a new one; True when it is new and must be set."""
    existing = request.cookies.get(PRE_SESSION_COOKIE, "")
    if existing:
        return existing, False
    return secrets.token_urlsafe(32), True


def set_pre_session_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(
        PRE_SESSION_COOKIE,
        value,
        max_age=PRE_SESSION_TTL_S,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings_of(request).public_base.startswith("https://"),
    )


def valid_login_token(request: web.Request, sent: str) -> bool:
    pre_id = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not pre_id or not sent:
        return False
    expected = login_token(settings_of(request).secret_key, pre_id)
    return hmac.compare_digest(sent.encode(), expected.encode())


def valid_session_token(session: Session, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), session.csrf_token.encode())


async def read_form(request: web.Request) -> dict[str, str] | None:
    """A posted form's text fields, or None when the body cannot be read as a form (a broken multipart body,
    say): every page form answers such a body with a 400, never a 500."""
    try:
        form = await request.post()
    except (ValueError, HttpProcessingError):
        return None
    return {name: value for name, value in form.items() if isinstance(value, str)}


def form_text(form: Mapping[str, object], name: str) -> str:
    """A text field of a posted form; an uploaded file in its place counts as absent."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
