"""`/join/{token}`: the page an invitation's link opens. The salesperson chooses a password and joins the
business as an agent, logged in at once; the link then stops working.

Like the login form, the form carries a pre-session CSRF token, and attempts are rate limited per address with
the slot taken before anything is checked (a success gives it back), so a burst from one address checks and
hashes no more passwords than the limit allows.
"""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.api.auth import set_session_cookie
from dashboard.context import DASHBOARD, clock_of, db_of, redis_of, settings_of
from dashboard.credentials import check_new_password
from dashboard.error_table import answer_for
from dashboard.i18n.current import N_, gettext
from dashboard.owners import EmailTaken, get_tenant
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
)
from dashboard.pages.frame import render_public, see_other
from dashboard.ratelimit import client_address, limit, limiter
from dashboard.sessions import SESSION_COOKIE, SessionStore
from dashboard.team.invites import Invite, InviteState, find_invite, give_back, invite_state, take_invite
from dashboard.team.members import add_agent, email_registered, new_person_id
from dashboard.team.policy import HOME, Role
from knowledge.domain_errors import InvalidInput, Refused

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

JOINS_PER_ADDRESS = limit("join-address", "10/15 minutes")
# Why a link does not work, in words, with the status the page answers.
DEAD_LINKS = {
    InviteState.expired: (410, N_("This invitation has expired. Ask the business's owner for a new link.")),
    InviteState.used: (410, N_("This invitation was used already. If it was you, log in with your email and password.")),
    InviteState.cancelled: (410, N_("This invitation was withdrawn. Ask the business's owner for a new link.")),
}
UNKNOWN_LINK = (404, N_("This invitation link is not valid. Check that you copied all of it, or ask for a new one."))


async def _render(
    request: web.Request, invite: Invite | None, *, error: str = "", field_error: str = "", status: int = 200
) -> web.Response:
    pre_id, is_new = pre_session_id(request)
    tenant = await get_tenant(db_of(request), invite.tenant_id) if invite else None
    context = {
        "invite": invite,
        "action": request.path,
        "business_name": tenant.name if tenant else "",
        "error": gettext(error) if error else "",  # our own sentences, said in the visitor's language here
        "field_error": field_error,
        "logged_in": await page_session(request) is not None,
        "csrf_token_public": login_token(settings_of(request).secret_key, pre_id),
    }
    response = render_public(request, "join.html", context, status=status)
    if is_new:
        set_pre_session_cookie(request, response, pre_id)
    return response


async def _open_invite(request: web.Request) -> Invite | web.Response:
    """The invitation the link names while it works, or the page that says why it does not."""
    invite = await find_invite(db_of(request), request.match_info["token"])
    if invite is None:
        status, message = UNKNOWN_LINK
        return await _render(request, None, error=message, status=status)
    state = invite_state(invite, clock_of(request).now())
    if state != InviteState.open:
        status, message = DEAD_LINKS[state]
        return await _render(request, None, error=message, status=status)
    return invite


@routes.get("/join/{token}")
async def join_page(request: web.Request) -> web.Response:
    found = await _open_invite(request)
    return found if isinstance(found, web.Response) else await _render(request, found)


@routes.post("/join/{token}")
async def join_form(request: web.Request) -> web.Response:
    form = await read_form(request)
    if form is None:
        return await _render(request, None, error=N_("This form could not be read; please try again."), status=400)
    if not valid_login_token(request, form_text(form, CSRF_FIELD)):
        found = await _open_invite(request)
        if isinstance(found, web.Response):
            return found
        return await _render(request, found, error=N_("This form expired; please try again."), status=403)
    address, limits = client_address(request), limiter(request)
    try:
        await limits.hit(JOINS_PER_ADDRESS, address)
    except Refused as refused:
        found = await _open_invite(request)
        if isinstance(found, web.Response):
            return found
        response = await _render(request, found, error=N_("Too many attempts from this address; try again later."), status=429)
        response.headers.update(answer_for(refused).headers)
        return response
    invite = await _open_invite(request)
    if isinstance(invite, web.Response):
        return invite
    if await email_registered(db_of(request), invite.email):
        return await _render(request, invite, error=N_("This email already has an account. Log in instead."), status=409)
    tenant = await get_tenant(db_of(request), invite.tenant_id)
    password = form_text(form, "password")
    try:
        await check_new_password(request, password, "password", invite.email, tenant.name if tenant else "")
    except InvalidInput as weak:
        answer = answer_for(weak)
        return await _render(request, invite, field_error=answer.fields.get("password", answer.message), status=422)
    password_hash = await request.app[DASHBOARD].passwords.hash(password)
    person_id, now = new_person_id(), clock_of(request).now()
    if not await take_invite(db_of(request), invite, now=now, member_id=person_id):
        status, message = DEAD_LINKS[InviteState.used]
        return await _render(request, None, error=message, status=status)
    try:
        person = await add_agent(
            db_of(request), invite.tenant_id, person_id, invite.email, password_hash, now=now, invited_by=invite.invited_by
        )
    except EmailTaken:
        await give_back(db_of(request), invite)
        return await _render(request, invite, error=N_("This email already has an account. Log in instead."), status=409)
    except Exception:  # the store failed: the link works again for the next try
        await give_back(db_of(request), invite)
        raise
    await limits.release(JOINS_PER_ADDRESS, address)
    log.info("team member joined", extra={"tenant": person.tenant_id, "member": person.id})
    return await _logged_in(request, person.tenant_id, person.id)


async def _logged_in(request: web.Request, tenant_id: str, person_id: str) -> web.Response:
    store = SessionStore(redis_of(request))
    # A fresh session id, as at every login: an id planted before is worth nothing, and a session already open in
    # this browser (the owner trying the link) ends here.
    await store.delete(request.cookies.get(SESSION_COOKIE, ""))
    session_id, _ = await store.create(tenant_id, person_id)
    response = see_other(HOME[Role.agent] + "?notice=joined")
    set_session_cookie(request, response, session_id, store.ttl_s)
    response.del_cookie(PRE_SESSION_COOKIE, path="/")
    return response
