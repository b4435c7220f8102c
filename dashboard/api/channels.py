"""`/api/channels`: accounts connected by hand, listed with masked tokens, and disconnected."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from channels.account_check import connect_checked_account
from channels.accounts import (
    ChannelAccount,
    account_token,
    disconnect_account,
    get_account,
    list_accounts,
    set_business_account,
)
from channels.crypto import TokenCipher
from channels.facebook_login import unsubscribe_page
from channels.graph import GraphClient
from channels.graph_errors import GraphError
from channels.problems import PASSING_PROBLEMS, problem_of
from channels.registry import channel_for_platform
from channels.whatsapp.templates import list_approved_templates
from dashboard.api.operations import ApiRoutes
from dashboard.api.shapes.account_json import account_for_owner
from dashboard.context import cipher_of, db_of, graph_of, tenant_id
from dashboard.errors import not_found
from dashboard.facebook_links import FacebookLink, forget_link, link_for_channel, links_of_page
from dashboard.schemas import ChannelIn, ChannelOut, ChannelsOut, DeletedOut, TemplateOut, TemplatesOut, TemplatesQuery
from knowledge.db import Db
from knowledge.domain_errors import InvalidInput, Refused, Upstream

log = logging.getLogger(__name__)
routes = ApiRoutes()

UNSUBSCRIBE_TIMEOUT_S = 10


def channel_out(account: ChannelAccount, cipher: TokenCipher) -> ChannelOut:
    return ChannelOut.model_validate(account_for_owner(account, cipher))


@routes.get("/api/channels")
async def list_all(request: web.Request) -> ChannelsOut:
    """Connected accounts (tokens masked)."""
    accounts = await list_accounts(db_of(request), tenant_id(request))
    return ChannelsOut(channels=[channel_out(account, cipher_of(request)) for account in accounts])


@routes.post("/api/channels", status=201, errors=(409,))
async def connect(request: web.Request, body: ChannelIn) -> ChannelOut:
    """Connect an account by hand: a page, Instagram account or WhatsApp number with its access token."""
    account = await connect_checked_account(
        db_of(request),
        cipher_of(request),
        graph_of(request),
        tenant_id(request),
        body.platform,
        body.account_id,
        body.access_token,
        body.name,
    )
    log.info("channel connected", extra={"platform": account.platform, "channel": account.id})
    return channel_out(account, cipher_of(request))


async def _page_still_used(db: Db, link: FacebookLink) -> bool:
    """Whether another connected account of the tenant is reached through the same page's subscription."""
    for other in await links_of_page(db, link.tenant_id, link.page_id):
        if other.id != link.id and await get_account(db, link.tenant_id, other.channel_id) is not None:
            return True
    return False


async def unsubscribe_if_unused(
    db: Db, cipher: TokenCipher, graph: GraphClient, account: ChannelAccount, link: FacebookLink
) -> None:
    """Best effort: stop the page's webhooks once no connected account of the tenant needs them."""
    if not link.page_id or await _page_still_used(db, link):
        return
    try:
        token = account_token(cipher, account)
        await asyncio.wait_for(unsubscribe_page(graph, link.page_id, token), UNSUBSCRIBE_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 # the disconnect stands whatever Meta answers
        log.warning("page unsubscribe failed", extra={"channel": account.id, "error_type": type(exc).__name__})


async def disconnect_channel(db: Db, cipher: TokenCipher, graph: GraphClient, tenant: str, account: ChannelAccount) -> bool:
    """Disconnect one account; a page connected through Facebook Login is unsubscribed once no account of the
    business needs its webhooks. False when it was gone already."""
    link = await link_for_channel(db, tenant, account.id)
    if not await disconnect_account(db, tenant, account.id):
        return False
    if link is not None:
        await forget_link(db, tenant, link.id)
        await unsubscribe_if_unused(db, cipher, graph, account, link)
    log.info("channel disconnected", extra={"platform": account.platform, "channel": account.id})
    return True


@routes.delete("/api/channels/{id}")
async def disconnect(request: web.Request) -> DeletedOut:
    """Disconnect an account (the page's webhooks stop once no account of the business needs them)."""
    db, tenant, channel_id = db_of(request), tenant_id(request), request.match_info["id"]
    account = await get_account(db, tenant, channel_id)
    if account is None or not await disconnect_channel(db, cipher_of(request), graph_of(request), tenant, account):
        raise not_found("channel")
    return DeletedOut(deleted=True)


@routes.get("/api/channels/{id}/templates", errors=(409, 502))
async def templates(request: web.Request, query: TemplatesQuery) -> TemplatesOut:
    """A WhatsApp number's approved message templates, read from Meta (`GET /{waba_id}/message_templates`): what a
    campaign's follow-up may send outside the 24-hour window. The number's business account id (`waba_id`) is
    needed once; it is kept for later calls. 409 for a channel that is not WhatsApp or an account Meta refuses to
    list, 502 when Meta cannot be reached."""
    db, tenant = db_of(request), tenant_id(request)
    account = await get_account(db, tenant, request.match_info["id"])
    if account is None:
        raise not_found("channel")
    if not channel_for_platform(account.platform).window.templates_after_window:
        raise Refused("templates_not_whatsapp")
    waba_id = query.waba_id or account.business_account_id
    if not waba_id:
        raise InvalidInput("waba_id_needed")
    try:
        found = await list_approved_templates(graph_of(request), waba_id, account_token(cipher_of(request), account))
    except GraphError as exc:
        if problem_of(exc) in PASSING_PROBLEMS:
            raise Upstream("templates_unavailable") from None
        raise Refused("templates_refused", meta_error_code=exc.code) from None
    if query.waba_id and query.waba_id != account.business_account_id:
        await set_business_account(db, account, query.waba_id)
    return TemplatesOut(
        waba_id=waba_id,
        templates=[
            TemplateOut(name=t.name, language=t.language, category=t.category, body=t.body, parameters=t.parameters)
            for t in found
        ],
    )
