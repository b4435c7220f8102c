"""`/api/webhooks`: the owner's CRM endpoints. Each receives the events it chose, signed with its own secret
(shown once, at creation and at each rotation); a URL whose host is not a public address is refused (422)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from bot.outbound_webhooks.addresses import url_problem
from bot.outbound_webhooks.delivery import recent_attempts, send_test
from bot.outbound_webhooks.endpoints import (
    Endpoint,
    WebhookIn,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_endpoints,
    resume_endpoint,
    rotate_secret,
)
from bot.outbound_webhooks.outbox import waiting_count
from bot.outbound_webhooks.transport import DeliveryRules, refused_host
from dashboard.api.operations import ApiRoutes
from dashboard.context import cipher_of, clock_of, db_of, tenant_id, webhook_rules_of
from dashboard.errors import not_found
from dashboard.schemas import (
    DeletedOut,
    WebhookAttemptOut,
    WebhookCreatedOut,
    WebhookOut,
    WebhookSecretOut,
    WebhooksOut,
    WebhookTestOut,
)
from knowledge.db import Db
from knowledge.domain_errors import InvalidInput, Refused

routes = ApiRoutes()


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


async def webhook_out(db: Db, endpoint: Endpoint) -> WebhookOut:
    attempts = [
        WebhookAttemptOut(
            at=_at(doc["at_ms"]),
            event=doc["event"],
            webhook_id=doc["webhook_id"],
            status=doc["status"],
            error=doc["error"],
            kind=doc.get("kind", ""),
        )
        for doc in await recent_attempts(db, endpoint.tenant_id, endpoint.id)
    ]
    return WebhookOut(
        id=endpoint.id,
        url=endpoint.url,
        events=endpoint.events,
        state=endpoint.state,
        paused_reason=endpoint.paused_reason,
        paused_at=_at(endpoint.paused_ms) if endpoint.paused_ms else None,
        waiting=await waiting_count(db, endpoint.tenant_id, endpoint.id),
        created_at=_at(endpoint.created_ms),
        attempts=attempts,
    )


async def check_url(url: str, rules: DeliveryRules) -> None:
    """Refuse a URL of the wrong form, or whose host resolves to an address a webhook may not reach (422)."""
    if kind := url_problem(url, require_https=rules.require_https):
        raise InvalidInput("invalid", {"url": f"webhook_{kind}"})
    refused = await refused_host(url, rules)
    if refused is not None:
        address, _ = refused
        if not address:
            raise InvalidInput("invalid", {"url": "webhook_host_unknown"})
        raise InvalidInput("invalid", {"url": "webhook_address_refused"}, address=address)


async def owned(request: web.Request) -> Endpoint:
    endpoint = await get_endpoint(db_of(request), tenant_id(request), request.match_info["id"])
    if endpoint is None:
        raise not_found("webhook")
    return endpoint


async def add_webhook(request: web.Request, body: WebhookIn) -> tuple[Endpoint, str]:
    await check_url(body.url, webhook_rules_of(request))
    created = await create_endpoint(db_of(request), cipher_of(request), tenant_id(request), body, clock_of(request).now())
    if created is None:
        raise Refused("too_many_webhooks")
    return created


@routes.get("/api/webhooks")
async def get_webhooks(request: web.Request) -> WebhooksOut:
    """The business's endpoints with their latest delivery attempts (the secret is never shown again)."""
    db = db_of(request)
    return WebhooksOut(webhooks=[await webhook_out(db, e) for e in await list_endpoints(db, tenant_id(request))])


@routes.post("/api/webhooks", status=201, errors=(409,))
async def post_webhook(request: web.Request, body: WebhookIn) -> WebhookCreatedOut:
    """Add an endpoint; the answer holds its signing secret, shown this once."""
    endpoint, secret = await add_webhook(request, body)
    shown = await webhook_out(db_of(request), endpoint)
    return WebhookCreatedOut(**shown.model_dump(), secret=secret)


@routes.delete("/api/webhooks/{id}")
async def delete_webhook(request: web.Request) -> DeletedOut:
    """Remove an endpoint: nothing more is sent to it, its waiting events and log go."""
    if not await delete_endpoint(db_of(request), tenant_id(request), request.match_info["id"]):
        raise not_found("webhook")
    return DeletedOut(deleted=True)


@routes.post("/api/webhooks/{id}/test")
async def test_webhook(request: web.Request) -> WebhookTestOut:
    """Send a `webhook.test` event now, signed like every other, and say what the receiver answered."""
    endpoint = await owned(request)
    outcome = await send_test(db_of(request), cipher_of(request), endpoint, webhook_rules_of(request), clock_of(request).now())
    return WebhookTestOut(delivered=outcome.delivered, status=outcome.status, error=outcome.error)


@routes.post("/api/webhooks/{id}/secret")
async def rotate_webhook_secret(request: web.Request) -> WebhookSecretOut:
    """A new signing secret, shown this once; deliveries are signed with it from now on."""
    secret = await rotate_secret(db_of(request), cipher_of(request), tenant_id(request), request.match_info["id"])
    if secret is None:
        raise not_found("webhook")
    return WebhookSecretOut(secret=secret)


@routes.post("/api/webhooks/{id}/resume")
async def resume_webhook(request: web.Request) -> WebhookOut:
    """Deliver again to an endpoint paused after a day of failures: the events it missed go first."""
    endpoint = await resume_endpoint(db_of(request), tenant_id(request), request.match_info["id"], clock_of(request).now())
    if endpoint is None:
        raise not_found("webhook")
    return await webhook_out(db_of(request), endpoint)
