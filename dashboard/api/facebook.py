"""Facebook Login that connects an owner's pages and Instagram accounts, and Meta's user-data callbacks."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from bot.log_context import tenant_id_var
from bot.runtime.host import Settings
from channels.accounts import ChannelAccount, connect_account, disconnect_account, get_account
from channels.crypto import TokenCipher
from channels.facebook_login import (
    PageInfo,
    SignedRequestError,
    auth_url,
    exchange_code,
    list_pages,
    parse_signed_request,
)
from channels.graph import GraphClient, GraphError
from channels.problems import PASSING_PROBLEMS, known_problem, problem_of
from channels.subscriptions import subscribe_connected
from dashboard.api.channels import channel_out
from dashboard.api.operations import ApiRoutes
from dashboard.context import cipher_of, clock_of, db_of, graph_of, identity, redis_of, settings_of
from dashboard.error_table import answer_for, api_code
from dashboard.errors import not_found
from dashboard.facebook_links import (
    forget_link,
    get_deletion,
    links_of_facebook_user,
    record_deletion,
    record_link,
    tenants_of_facebook_user,
)
from dashboard.facebook_state import LoginState, consume_state, issue_state, session_caller, token_caller
from dashboard.owners import clear_facebook_user, resolve_token, set_facebook_user
from dashboard.public_url import public_base
from dashboard.schemas import (
    AuthUrlOut,
    CallbackOut,
    CallbackQuery,
    DataDeletionOut,
    DeauthorizeOut,
    DeletionStatusOut,
    DeletionStatusQuery,
    SignedRequestIn,
    SkippedAccountOut,
)
from dashboard.sessions import SESSION_COOKIE, SessionStore
from knowledge.db import Db
from knowledge.domain_errors import Conflict, DomainError, InvalidInput, Refused, Upstream

log = logging.getLogger(__name__)
routes = ApiRoutes()

BASE = "/api/integrations/facebook"


def _require_app(settings: Settings) -> tuple[str, str]:
    if not settings.meta_app_id or not settings.meta_app_secret:
        raise Refused("facebook_not_configured")
    return settings.meta_app_id, settings.meta_app_secret


def redirect_uri(request: web.Request) -> str:
    # The same address the channels page shows (PUBLIC_URL, else where this server listens).
    return f"{public_base(request)}{BASE}/callback"


def graph_version(settings: Settings) -> str:
    """`v21.0` out of `https://graph.facebook.com/v21.0`: the dialog must use the API's version."""
    return urlsplit(settings.graph_base).path.strip("/").rsplit("/", 1)[-1]


@routes.get(f"{BASE}/auth-url", errors=(503,))
async def facebook_auth_url(request: web.Request) -> AuthUrlOut:
    """Where to send the owner to log in with Facebook and pick the pages to connect."""
    who, settings = identity(request), settings_of(request)
    app_id, _ = _require_app(settings)
    caller = session_caller(who.session_id) if who.via == "session" else token_caller(who.token_hash)
    state = await issue_state(redis_of(request), who.tenant_id, who.owner_id, caller)
    return AuthUrlOut(url=auth_url(app_id, redirect_uri(request), state, graph_version(settings)))


@dataclass
class LoginOutcome:
    connected: list[ChannelAccount] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


async def _connect(
    db: Db,
    cipher: TokenCipher,
    tenant: str,
    facebook_user_id: str,
    outcome: LoginOutcome,
    platform_name: str,
    account_id: str,
    page: PageInfo,
    name: str,
) -> ChannelAccount | None:
    try:
        account = await connect_account(db, cipher, tenant, platform_name, account_id, page.access_token, name)
    except (Conflict, InvalidInput) as exc:  # another business has it, or Meta sent something unusable
        outcome.skipped.append({"platform": platform_name, "account_id": account_id, "name": name, "reason": api_code(exc)})
        return None
    await record_link(db, tenant, facebook_user_id, platform_name, account_id, account.id, page.id)
    outcome.connected.append(account)
    return account


async def _facebook_user_id(graph: GraphClient, user_token: str) -> str:
    try:
        me = await graph.get("/me", params={"fields": "id"}, token=user_token)
    except GraphError:
        return ""
    value = me.get("id")
    return value if isinstance(value, str) else ""


async def connect_pages(db: Db, cipher: TokenCipher, graph: GraphClient, tenant: str, user_token: str) -> LoginOutcome:
    """Connect every page the user manages (and its Instagram account) and subscribe the app to it."""
    facebook_user_id = await _facebook_user_id(graph, user_token)
    outcome = LoginOutcome()
    for page in await list_pages(graph, user_token):
        if not page.access_token:
            outcome.skipped.append({"platform": "facebook", "account_id": page.id, "name": page.name, "reason": "no_page_token"})
            continue
        connected = [await _connect(db, cipher, tenant, facebook_user_id, outcome, "facebook", page.id, page, page.name)]
        if page.instagram_account_id:
            name = page.instagram_username or page.name
            connected.append(
                await _connect(db, cipher, tenant, facebook_user_id, outcome, "instagram", page.instagram_account_id, page, name)
            )
        # Each account of this page that is ours asks for its own webhook fields (the page's `feed`, the Instagram
        # account's `comments`); one that is not ours keeps its subscriptions as they are.
        for account in (a for a in connected if a is not None):
            if problem := await subscribe_connected(db, graph, account, page.access_token):
                outcome.skipped.append(
                    {
                        "platform": account.platform,
                        "account_id": account.account_id,
                        "name": account.name,
                        "reason": "subscription_failed",
                    }
                )
                outcome.connected = [replace(c, webhooks_problem=problem) if c.id == account.id else c for c in outcome.connected]
    if facebook_user_id:
        await set_facebook_user(db, tenant, facebook_user_id)
    return outcome


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _browser_page(request: web.Request, refused: DomainError) -> web.Response:
    """A refusal as a page a person reads (a browser back from Facebook's dialog), not as JSON."""
    answer = answer_for(refused)
    response = aiohttp_jinja2.render_template("facebook_login.html", request, {"message": answer.message}, status=answer.status)
    response.headers.update(answer.headers)
    return response


def _bearer_token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _started_by_this_caller(request: web.Request, state: LoginState) -> bool:
    """Whether the callback comes with the live credential that asked for the state: the same browser session
    (its cookie) or the same API token."""
    kind, _, _ = state.caller.partition(":")
    if kind == "session":
        session_id = request.cookies.get(SESSION_COOKIE, "")
        if not session_id or not hmac.compare_digest(session_caller(session_id), state.caller):
            return False
        session = await SessionStore(redis_of(request)).get(session_id)
        return session is not None and (session.tenant_id, session.owner_id) == (state.tenant_id, state.owner_id)
    if kind == "token":
        token = _bearer_token(request)
        found = await resolve_token(db_of(request), token, now=clock_of(request).now()) if token else None
        return (
            found is not None
            and hmac.compare_digest(token_caller(found.token_hash), state.caller)
            and (found.tenant_id, found.owner_id) == (state.tenant_id, state.owner_id)
        )
    return False


@routes.get(f"{BASE}/callback", errors=(403, 502, 503), public=True, other_responses={302: "back to the dashboard"})
async def facebook_callback(request: web.Request, query: CallbackQuery) -> CallbackOut | web.Response:
    """Facebook Login's return: connects the owner's pages and their Instagram accounts.

    Public: its `state` (from auth-url, single use, 10 minutes) names the business and the caller that asked for
    it; the callback must come with that same credential (the browser's session cookie, or the API token as a
    bearer header), else nothing is connected (403). A browser is sent back to the dashboard (302) or shown a
    page saying what went wrong; a call with `Accept: application/json` gets what was connected and skipped.
    """
    try:
        return await _finish_login(request, query)
    except DomainError as refused:
        if _wants_json(request) or "text/html" not in request.headers.get("Accept", ""):
            raise
        return _browser_page(request, refused)


async def _finish_login(request: web.Request, query: CallbackQuery) -> CallbackOut:
    app_id, app_secret = _require_app(settings_of(request))
    state = await consume_state(redis_of(request), query.state)
    if state is None:
        raise InvalidInput("bad_state", {"state": "unknown_or_expired"})
    tenant = state.tenant_id
    tenant_id_var.set(tenant)
    if not await _started_by_this_caller(request, state):
        log.warning("facebook login callback from another caller than the one that started it")
        raise Refused("state_not_yours", {"state": "other_session"})
    code = query.code
    if not code:
        # The owner cancelled in the dialog (Meta sends `error` instead of `code`).
        raise InvalidInput("facebook_login_cancelled", {"code": "missing"})
    try:
        graph = graph_of(request)
        user_token = await exchange_code(graph, app_id, app_secret, redirect_uri(request), code)
        outcome = await connect_pages(db_of(request), cipher_of(request), graph, tenant, user_token)
    except GraphError as exc:
        log.warning("facebook login failed", extra={"graph_code": exc.code, "http_status": exc.http_status})
        passing = known_problem(problem_of(exc)) in PASSING_PROBLEMS
        raise Upstream("facebook_unreachable" if passing else "facebook_refused_login") from None
    log.info("facebook login connected accounts", extra={"connected": len(outcome.connected), "skipped": len(outcome.skipped)})
    if _wants_json(request):
        return CallbackOut(
            connected=[channel_out(a, cipher_of(request)) for a in outcome.connected],
            skipped=[SkippedAccountOut.model_validate(s) for s in outcome.skipped],
        )
    raise web.HTTPFound("/integrations?notice=facebook_connected")


def _signed_payload(settings: Settings, form: SignedRequestIn) -> dict[str, Any]:
    _, app_secret = _require_app(settings)
    try:
        if not form.signed_request:
            raise SignedRequestError("missing")
        payload = parse_signed_request(form.signed_request, app_secret)
    except SignedRequestError:
        raise InvalidInput("bad_signed_request", {"signed_request": "invalid"}) from None
    user_id = payload.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        raise InvalidInput("signed_request_without_user", {"signed_request": "no_user"})
    return payload


async def forget_facebook_user(db: Db, facebook_user_id: str) -> tuple[list[str], int]:
    """Disconnect every account this Facebook user connected, in every tenant; returns (tenants, accounts)."""
    removed = 0
    tenants: set[str] = set(await tenants_of_facebook_user(db, facebook_user_id))
    for link in await links_of_facebook_user(db, facebook_user_id):
        tenants.add(link.tenant_id)
        if await get_account(db, link.tenant_id, link.channel_id) is not None:
            removed += int(await disconnect_account(db, link.tenant_id, link.channel_id))
        await forget_link(db, link.tenant_id, link.id)
    for tenant in tenants:
        await clear_facebook_user(db, tenant)
    return sorted(tenants), removed


@routes.post(f"{BASE}/deauthorize", errors=(503,), public=True)
async def facebook_deauthorize(request: web.Request, form: SignedRequestIn) -> DeauthorizeOut:
    """Meta: a user removed the app; every account they connected is disconnected."""
    payload = _signed_payload(settings_of(request), form)
    tenants, removed = await forget_facebook_user(db_of(request), payload["user_id"])
    log.info("facebook user deauthorized", extra={"tenants": len(tenants), "accounts_removed": removed})
    return DeauthorizeOut(ok=True, accounts_removed=removed)


@routes.post(f"{BASE}/data-deletion", errors=(503,), public=True)
async def facebook_data_deletion(request: web.Request, form: SignedRequestIn) -> DataDeletionOut:
    """Meta: a user asked for their data to be deleted; answers where to check and the code to quote."""
    db, settings = db_of(request), settings_of(request)
    payload = _signed_payload(settings, form)
    tenants, removed = await forget_facebook_user(db, payload["user_id"])
    code = await record_deletion(db, tenants, removed)
    log.info("facebook data deletion done", extra={"tenants": len(tenants), "accounts_removed": removed})
    status_url = f"{settings.public_base}{BASE}/deletion-status?code={code}"
    return DataDeletionOut(url=status_url, confirmation_code=code)


@routes.get(f"{BASE}/deletion-status", errors=(404,), public=True)
async def facebook_deletion_status(request: web.Request, query: DeletionStatusQuery) -> DeletionStatusOut:
    """Status of a data-deletion request, by its confirmation code."""
    record = await get_deletion(db_of(request), query.code)
    if record is None:
        raise not_found("deletion_request")
    return DeletionStatusOut(
        confirmation_code=query.code,
        status=record.get("status", "completed"),
        accounts_removed=record.get("accounts_removed", 0),
        requested_at=record["requested_at"],
    )
